package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/apitoken"
	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/i18n"
)

// Machine areas answer other systems, not browsers: the integrations' API (/api/v1/appeals) and
// Open311 (/open311/v2). Their requests carry no session cookie and no CSRF token — a bearer token or an
// api_key authenticates them, and a browser never sends those by itself — so the session, language
// cookie and CSRF middleware pass them by. Each area writes its errors in its own format.

// Problem is an error on its way to a machine client.
type Problem struct {
	Status  int
	Message string // i18n id
	Err     error  // the error itself, for details (errs.Validation's fields); nil for route misses
}

// MachineArea is how an area authenticates and reports errors.
type MachineArea struct {
	// TokenOf finds the API token in a request ("" when it brings none).
	TokenOf func(c *fiber.Ctx) string
	// Errors writes an error in the area's format; it must set the status.
	Errors func(c *fiber.Ctx, p Problem) error
}

// BearerToken reads "Authorization: Bearer TOKEN".
func BearerToken(c *fiber.Ctx) string {
	scheme, token, ok := strings.Cut(c.Get(fiber.HeaderAuthorization), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

const localToken = "api_token"

// TokenOf returns the live token that authenticated this machine request, or nil when it brought none.
func TokenOf(c *fiber.Ctx) *apitoken.Token {
	t, _ := c.Locals(localToken).(*apitoken.Token)
	return t
}

// Machine registers a machine area at prefix and returns its router. In order: errors in the area's
// format, the language from Accept-Language, the token when one is given (an unknown, revoked or
// expired one is refused with 401, whatever the route), and the rate limit per token — per address
// without one (HROMADA_LIMIT_API).
func (s *Server) Machine(prefix string, area MachineArea) fiber.Router {
	s.machine = append(s.machine, machineArea{prefix: strings.ToLower(prefix), area: area})
	limit := s.cfg.Limits.API
	return s.App.Group(prefix, func(c *fiber.Ctx) error {
		err := s.machineRequest(c, area, limit)
		if err == nil {
			return nil
		}
		status, message := s.describe(c, err)
		c.Set(fiber.HeaderCacheControl, "no-store")
		return area.Errors(c, Problem{Status: status, Message: message, Err: err})
	})
}

func (s *Server) machineRequest(c *fiber.Ctx, area MachineArea, limit config.Limit) error {
	c.Locals(localLang, machineLang(c))
	key := "api:ip:" + c.IP()
	actor := audit.Actor{IP: c.IP()}
	if plain := area.TokenOf(c); plain != "" {
		t, err := s.tokens.Verify(c.UserContext(), plain)
		if err != nil {
			return err
		}
		c.Locals(localToken, t)
		key = "api:token:" + strconv.FormatInt(t.ID, 10)
		actor.TokenID = t.ID
	}
	// What a machine request changes is audited under its token (audit.Record reads the actor here).
	c.SetUserContext(audit.WithActor(c.UserContext(), actor))
	wait, err := s.OverLimit(c, Limit{N: limit.N, Window: limit.Window, Key: func(*fiber.Ctx) string { return key }})
	if err != nil {
		return err
	}
	if wait > 0 {
		return fiber.NewError(fiber.StatusTooManyRequests, "error.too_many")
	}
	return c.Next()
}

// machineArea is a registered machine area and its prefix.
type machineArea struct {
	prefix string
	area   MachineArea
}

// machineAreaOf returns the machine area the path belongs to.
func (s *Server) machineAreaOf(path string) (MachineArea, bool) {
	path = strings.ToLower(path) // routes match whatever the case (/API/v1/appeals), so the areas do too
	for _, m := range s.machine {
		if path == m.prefix || strings.HasPrefix(path, m.prefix+"/") {
			return m.area, true
		}
	}
	return MachineArea{}, false
}

// machineLang is the language a machine client asks for (Accept-Language), Ukrainian by default.
func machineLang(c *fiber.Ctx) string {
	if l := c.AcceptsLanguages(i18n.Languages...); l != "" {
		return l
	}
	return i18n.Languages[0]
}

// isMachine says whether the path belongs to a machine area.
func (s *Server) isMachine(path string) bool {
	_, ok := s.machineAreaOf(path)
	return ok
}

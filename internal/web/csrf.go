package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"

	"github.com/gofiber/fiber/v2"
)

// CSRF protection has two parts, both checked on every request that is not GET, HEAD, OPTIONS or TRACE:
//
//   - the form's _csrf token (or the X-CSRF-Token header) must be the session's token: HMAC-SHA256 of the session id under a key
//     derived from the server secret, compared in constant time. It is per session (a new session id at
//     sign-in or sign-out gives a new token), valid exactly as long as the session exists in the
//     database (loadVisitor reads the session on every request anyway), and cannot be made without the
//     secret; the session id it is made from never leaves the HttpOnly cookie.
//   - Go's cross-origin check (net/http.CrossOriginProtection): a browser that says, with Sec-Fetch-Site
//     or Origin, that the form came from another site is refused even with a token.
//
// Fiber's csrf middleware in Session mode, used before, kept the token inside the session and therefore
// read the session twice and wrote it once on every request, GET included: a durable database write per
// page view and per signature, and concurrent requests of one session overwrote each other's session
// changes. This needs no storage at all.
type csrfGuard struct {
	key    []byte
	origin *http.CrossOriginProtection
}

const (
	csrfField  = "_csrf"
	csrfHeader = "X-CSRF-Token"
)

func newCSRFGuard(secret []byte) *csrfGuard {
	// A key of its own, so the token says nothing about other uses of the secret.
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("hromada/csrf/v1"))
	return &csrfGuard{key: m.Sum(nil), origin: http.NewCrossOriginProtection()}
}

// token is the session's CSRF token.
func (g *csrfGuard) token(sessionID string) string {
	m := hmac.New(sha256.New, g.key)
	m.Write([]byte(sessionID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// valid says, in constant time, whether got is the session's token.
func (g *csrfGuard) valid(sessionID, got string) bool {
	if sessionID == "" || got == "" {
		return false
	}
	return hmac.Equal([]byte(got), []byte(g.token(sessionID)))
}

// crossOrigin returns Go's verdict on the request's Sec-Fetch-Site and Origin headers.
func (g *csrfGuard) crossOrigin(c *fiber.Ctx) error {
	h := http.Header{}
	for _, name := range []string{"Sec-Fetch-Site", "Origin"} {
		if v := c.Get(name); v != "" {
			h.Set(name, v)
		}
	}
	return g.origin.Check(&http.Request{Method: c.Method(), Host: string(c.Request().Host()), Header: h})
}

// checkCSRF runs after loadVisitor, which found the session; it refuses unsafe requests without the
// session's token and shares the token with every page as .CSRF.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	id, _ := c.Locals(localSessionID).(string)
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace:
	default:
		err := s.csrf.crossOrigin(c)
		if err == nil && !s.csrf.valid(id, csrfTokenOf(c)) {
			err = errCSRFToken
		}
		if err != nil {
			s.log.Info("CSRF check failed", "request_id", requestID(c), "err", err)
			return fiber.NewError(fiber.StatusForbidden, "error.csrf")
		}
	}
	token := s.csrf.token(id)
	c.Locals(csrfKey, token)
	if err := c.Bind(fiber.Map{"CSRF": token}); err != nil {
		return err
	}
	return c.Next()
}

// csrfTokenOf is the token the request carries in the X-CSRF-Token header or in the _csrf field of its
// body (url-encoded or multipart), never in the URL: a token in a query string leaks through logs,
// history and the Referer header. Bodies are already bounded here (bodies.go runs before).
func csrfTokenOf(c *fiber.Ctx) string {
	if t := c.Get(csrfHeader); t != "" {
		return t
	}
	req := c.Request()
	if t := req.PostArgs().Peek(csrfField); len(t) > 0 { // url-encoded bodies only
		return string(t)
	}
	if len(req.Header.MultipartFormBoundary()) == 0 {
		return ""
	}
	if mf, err := req.MultipartForm(); err == nil && len(mf.Value[csrfField]) > 0 {
		return mf.Value[csrfField][0]
	}
	return ""
}

var errCSRFToken = fiber.NewError(fiber.StatusForbidden, "missing or wrong CSRF token")

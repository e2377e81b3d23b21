package web

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/identity"
)

// Session keys.
const (
	keyPersonID = "person_id"
	keyFlash    = "flash"
	keyAuth     = "oidc_auth" // the pending authorization request: state, nonce, verifier, return path
)

// Locals keys.
const (
	localPerson = "person"
	localRoles  = "roles"
	localLang   = "lang"
	localL      = "texts"
)

// langCookie remembers the chosen language for a year; it is not personal data.
const langCookie = "hromada_lang"

// loadVisitor reads the session once per request: the signed-in person, the language and a flash
// message, and shares them with every page.
func (s *Server) loadVisitor(c *fiber.Ctx) error {
	lang := c.Cookies(langCookie)
	if !slices.Contains(Languages, lang) {
		lang = Languages[0]
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	var person *identity.Person
	var roles []string
	flash, _ := sess.Get(keyFlash).(string)
	if id, ok := sess.Get(keyPersonID).(int64); ok {
		p, err := s.people.Person(c.UserContext(), id)
		switch {
		case errs.CodeOf(err) == errs.NotFound:
			sess.Delete(keyPersonID) // the person is gone: the session signs out
		case err != nil:
			return err
		default:
			person = p
			if roles, err = s.people.RolesOf(c.UserContext(), p.ID); err != nil {
				return err
			}
		}
	}
	if flash != "" || (person == nil && sess.Get(keyPersonID) != nil) {
		sess.Delete(keyFlash)
		if err := sess.Save(); err != nil {
			return err
		}
	}
	l := s.texts.For(lang)
	c.Locals(localLang, lang)
	c.Locals(localL, l)
	if person != nil {
		c.Locals(localPerson, person)
		c.Locals(localRoles, roles)
	}
	council := s.cfg.Council.NameUK
	if lang == "en" {
		council = s.cfg.Council.NameEN
	}
	shared := fiber.Map{"L": l, "Lang": lang, "Council": council, "Path": c.OriginalURL()}
	if person != nil {
		shared["Person"] = person
		shared["IsStaff"] = len(roles) > 0
	}
	if flash != "" {
		shared["Flash"] = l.T(flash)
	}
	if err := c.Bind(shared); err != nil {
		return err
	}
	return c.Next()
}

// PersonOf returns the signed-in person, or nil.
func PersonOf(c *fiber.Ctx) *identity.Person {
	p, _ := c.Locals(localPerson).(*identity.Person)
	return p
}

// LangOf returns the language of this request.
func LangOf(c *fiber.Ctx) string {
	if l, ok := c.Locals(localLang).(string); ok {
		return l
	}
	return Languages[0]
}

// TextsOf returns the translator for this request's language.
func (s *Server) TextsOf(c *fiber.Ctx) *L {
	if l, ok := c.Locals(localL).(*L); ok {
		return l
	}
	return s.texts.For(LangOf(c))
}

// RequireSignIn sends visitors who are not signed in to sign in, and back here afterwards.
func RequireSignIn(c *fiber.Ctx) error {
	if PersonOf(c) != nil {
		return c.Next()
	}
	next := c.OriginalURL()
	if c.Method() != fiber.MethodGet {
		next = "/"
	}
	return c.Redirect("/auth/login?next="+url.QueryEscape(next), fiber.StatusSeeOther)
}

// RolesOf returns the signed-in person's staff roles.
func RolesOf(c *fiber.Ctx) []string {
	r, _ := c.Locals(localRoles).([]string)
	return r
}

// HasRole says whether the signed-in person holds any of the roles.
func HasRole(c *fiber.Ctx, roles ...string) bool {
	for _, r := range RolesOf(c) {
		if slices.Contains(roles, r) {
			return true
		}
	}
	return false
}

// RequireStaff lets only staff through. Visitors are asked to sign in (staff sign in like everyone);
// to a signed-in citizen the staff area does not exist (404).
func RequireStaff(c *fiber.Ctx) error {
	if PersonOf(c) == nil {
		return RequireSignIn(c)
	}
	if len(RolesOf(c)) == 0 {
		return errs.New(errs.NotFound, "error.not_found")
	}
	return c.Next()
}

// RequireRole lets through staff holding one of the roles; other staff get 403.
func RequireRole(roles ...string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !HasRole(c, roles...) {
			return errs.New(errs.Forbidden, "error.forbidden")
		}
		return c.Next()
	}
}

// SetFlash shows a message (an i18n id) on the next page.
func (s *Server) SetFlash(c *fiber.Ctx, message string) error {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	sess.Set(keyFlash, message)
	return sess.Save()
}

// PendingAuth is a sign-in in progress, kept server-side between the redirect and the callback.
type PendingAuth struct {
	State, Nonce, Verifier, Next string
	Started                      time.Time
}

// pendingAuthLifetime bounds how long a person may stay on the provider's pages.
const pendingAuthLifetime = 15 * time.Minute

// BeginAuth keeps the pending request in the session.
func (s *Server) BeginAuth(c *fiber.Ctx, p PendingAuth) error {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	p.Started = time.Now()
	sess.Set(keyAuth, p)
	return sess.Save()
}

// TakeAuth returns the pending request and removes it, so a callback URL can be used only once.
func (s *Server) TakeAuth(c *fiber.Ctx) (PendingAuth, error) {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return PendingAuth{}, err
	}
	p, ok := sess.Get(keyAuth).(PendingAuth)
	sess.Delete(keyAuth)
	if err := sess.Save(); err != nil {
		return PendingAuth{}, err
	}
	if !ok || time.Since(p.Started) > pendingAuthLifetime {
		return PendingAuth{}, errs.New(errs.Invalid, "auth.error.state")
	}
	return p, nil
}

// SignIn starts a signed-in session for the person under a new session id (no fixation). The ID token
// is not kept: it carries the tax number in clear.
func (s *Server) SignIn(c *fiber.Ctx, personID int64) error {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Regenerate(); err != nil {
		return err
	}
	sess.Set(keyPersonID, personID)
	sess.Set(keyFlash, "auth.signed_in")
	return sess.Save()
}

// SignOut ends the session.
func (s *Server) SignOut(c *fiber.Ctx) error {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	return sess.Destroy()
}

// SetLanguage remembers the language in a cookie (and on the person, for notices).
func (s *Server) SetLanguage(c *fiber.Ctx, lang string) error {
	if !slices.Contains(Languages, lang) {
		return errs.New(errs.NotFound, "error.not_found")
	}
	c.Cookie(&fiber.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HTTPOnly: true, Secure: s.cfg.SecureCookies(), SameSite: "Lax"})
	if p := PersonOf(c); p != nil {
		return s.people.SetLanguage(c.UserContext(), p.ID, lang)
	}
	return nil
}

// SafeNext returns raw when it is a path on this site, "/" otherwise: no open redirects.
func SafeNext(raw string) string {
	if raw == "" || !strings.HasPrefix(raw, "/") || strings.HasPrefix(raw, "//") || strings.HasPrefix(raw, "/\\") ||
		strings.ContainsAny(raw, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return u.RequestURI()
}

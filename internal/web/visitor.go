package web

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/identity"
)

// sessionCookie holds the session id.
const sessionCookie = "hromada_session"

// Session keys.
const (
	keyPersonID = "person_id"
	keyAuth     = "oidc_auth" // the pending authorization request: state, nonce, verifier, return path
)

// Locals keys.
const (
	localPerson  = "person"
	localRoles   = "roles"
	localSession = "session"
	localLang    = "lang"
	localL       = "texts"
	// localSessionID is the id of the session this request runs in.
	localSessionID = "session_id"
	localFlash     = "flash"      // the ids of the message this page shows once, as the cookie brought them
	localNeedRoles = "need_roles" // the roles that open a page refused with 403 (RequireRole)
)

// langCookie remembers the chosen language for a year; it is not personal data.
const langCookie = "hromada_lang"

// flashCookie carries a message id to the next page. Not the session: the message is no secret, any
// instance reads the cookie, and keeping it in the session cost a durable session write for every
// message set (every signature) plus another to clear it on the next page.
const flashCookie = "hromada_flash"

// loadVisitor reads the session once per request: the signed-in person, the language and a flash
// message, and shares them with every page.
func (s *Server) loadVisitor(c *fiber.Ctx) error {
	lang := c.Cookies(langCookie)
	if !slices.Contains(i18n.Languages, lang) {
		lang = i18n.Languages[0]
	}
	sess, person, roles, save, err := s.visit(c)
	if err != nil {
		return err
	}
	// The CSRF token is made from the session id (csrf.go).
	c.Locals(localSessionID, sess.ID())
	// A visitor's first session is saved only by pages whose forms need it (KeepSession): a reader of
	// public pages, a bot or an API client leaves no row behind and gets no cookie, so those responses
	// stay cacheable.
	c.Locals(localSession, sess)
	if save {
		if err := sess.Save(); err != nil {
			return err
		}
	}
	l := s.texts.For(lang)
	flash := c.Cookies(flashCookie)
	if flash != "" {
		c.Cookie(s.flashCookie("", true)) // shown once
		c.Locals(localFlash, flash)
	}
	c.Locals(localLang, lang)
	c.Locals(localL, l)
	actor := audit.Actor{IP: c.IP()}
	if person != nil {
		c.Locals(localPerson, person)
		c.Locals(localRoles, roles)
		actor.PersonID = person.ID
	}
	// Domain code records who acts and from where (the audit log) from the request's context.
	c.SetUserContext(audit.WithActor(c.UserContext(), actor))
	shared := fiber.Map{"L": l, "Lang": lang, "Council": s.cfg.Council.In(lang), "Path": c.OriginalURL()}
	if person != nil {
		shared["Person"] = person
		shared["IsStaff"] = len(roles) > 0
	}
	if text := flashText(l, flash); text != "" {
		shared["Flash"] = text
	}
	if err := c.Bind(shared); err != nil {
		return err
	}
	return c.Next()
}

// visit reads the request's session, the person it is signed in as and their roles in one query
// (DBStorage.Visit), and opens the session from that row; save says the session must be saved (its person
// is gone, so it signs out).
func (s *Server) visit(c *fiber.Ctx) (sess *session.Session, person *identity.Person, roles []string, save bool, err error) {
	key := c.Cookies(sessionCookie)
	v, found, err := s.storage.Visit(c.UserContext(), key)
	if err != nil {
		return nil, nil, nil, false, err
	}
	// The session store's own read of this session is answered from the row just read: a copy of the
	// store for this request only, whose storage is the table behind a one-row memory.
	store := *s.sessions
	if key != "" {
		var data []byte
		if found {
			data = v.SessionData
		}
		store.Storage = &readOnce{DBStorage: s.storage, key: key, data: data}
	}
	if sess, err = store.Get(c); err != nil {
		return nil, nil, nil, false, err
	}
	id, ok := sess.Get(keyPersonID).(int64)
	if !ok {
		return sess, nil, nil, false, nil
	}
	person, roles = v.Split()
	if person != nil && person.ID == id {
		return sess, person, roles, false, nil
	}
	// The row names no person or another one than the data (never, as SignIn writes both): ask by id.
	person, roles, err = s.people.PersonWithRoles(c.UserContext(), id)
	switch {
	case errs.Is(err, errs.NotFound):
		sess.Delete(keyPersonID) // the person is gone: the session signs out
		return sess, nil, nil, true, nil
	case err != nil:
		return nil, nil, nil, false, err
	}
	return sess, person, roles, false, nil
}

// KeepSession saves a visitor's new session before a page with a form is shown: the form's CSRF token
// is made from the session's id, which must exist when the form comes back.
func KeepSession(c *fiber.Ctx) error {
	if sess, ok := c.Locals(localSession).(*session.Session); ok && sess.Fresh() {
		if err := sess.Save(); err != nil {
			return err
		}
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
	return i18n.Languages[0]
}

// Texts returns the texts of a language whatever the visitor reads, for documents that have their own
// (an official letter is written in Ukrainian).
func (s *Server) Texts(lang string) *i18n.L { return s.texts.For(lang) }

// TextsOf returns the translator for this request's language.
func (s *Server) TextsOf(c *fiber.Ctx) *i18n.L {
	if l, ok := c.Locals(localL).(*i18n.L); ok {
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
			c.Locals(localNeedRoles, roles) // the error page says which roles open the page
			return errs.New(errs.Forbidden, "error.forbidden")
		}
		return c.Next()
	}
}

// flashText is the flash's message: its ids said one after another, and only when every one is our own
// message, whatever the cookie says.
func flashText(l *i18n.L, flash string) string {
	if flash == "" {
		return ""
	}
	var out []string
	for _, id := range strings.Split(flash, "+") {
		if !l.Has(id) {
			return ""
		}
		out = append(out, l.T(id))
	}
	return strings.Join(out, " ")
}

// TakeFlash says whether this page's one-time message is id, and if so takes it over from the layout:
// a page that says it in a banner of its own (the card of an appeal just registered) says it once.
func TakeFlash(c *fiber.Ctx, id string) (bool, error) {
	flash, _ := c.Locals(localFlash).(string)
	if !slices.Contains(strings.Split(flash, "+"), id) {
		return false, nil
	}
	return true, c.Bind(fiber.Map{"Flash": ""})
}

// SetFlash shows a message on the next page: an i18n id, or several joined by "+", said in turn (what
// was done, then how the author was told).
func (s *Server) SetFlash(c *fiber.Ctx, message string) error {
	for _, id := range strings.Split(message, "+") {
		if !flashID.MatchString(id) {
			return fmt.Errorf("flash message id %q", message)
		}
	}
	c.Cookie(s.flashCookie(message, false))
	return nil
}

// Done ends a step that changed something the way every form does (POST, redirect, GET): back to the
// page at to, with the message (an i18n id) shown there once.
func (s *Server) Done(c *fiber.Ctx, message, to string) error {
	if err := s.SetFlash(c, message); err != nil {
		return err
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// flashID is what a message id looks like; anything else never reaches a cookie.
var flashID = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_-]+)*$`)

func (s *Server) flashCookie(message string, clear bool) *fiber.Cookie {
	ck := &fiber.Cookie{Name: flashCookie, Value: message, Path: "/", HTTPOnly: true, Secure: s.cfg.SecureCookies(),
		SameSite: "Lax", SessionOnly: true}
	if clear {
		ck.Expires = time.Unix(0, 0)
		ck.SessionOnly = false
	}
	return ck
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
	// Starting a sign-in leaves the session signed out until the callback: only SignIn writes a person into
	// a session, together with the row's person_id. A save that carried the person would otherwise bring
	// back, with no person_id, a session that "sign out everywhere" removed while this request ran.
	sess.Delete(keyPersonID)
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
	sess.Delete(keyPersonID) // as in BeginAuth
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
	id := sess.ID() // Save releases the session object
	if err := sess.Save(); err != nil {
		return err
	}
	// The row knows its person, so that "sign out everywhere" finds every session of the person; a session
	// whose row could not say so is not kept signed in.
	if err := s.storage.SetPerson(c.UserContext(), id, personID); err != nil {
		return errors.Join(err, s.storage.Delete(id))
	}
	return s.SetFlash(c, "auth.signed_in")
}

// SignOutEverywhere ends every session of the signed-in person, on every device, this one included.
func (s *Server) SignOutEverywhere(c *fiber.Ctx) error {
	p := PersonOf(c)
	if p == nil {
		return errs.New(errs.NotFound, "error.not_found")
	}
	n, err := s.storage.DeletePerson(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	s.log.Info("signed out everywhere", "request_id", requestID(c), "person_id", p.ID, "sessions", n)
	if err := s.SignOut(c); err != nil { // this browser's cookie goes too
		return err
	}
	return s.SetFlash(c, "auth.signed_out_everywhere")
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
	if !slices.Contains(i18n.Languages, lang) {
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

// Remember keeps a small, non-personal choice of this browser for later pages under path (a
// registrar's last channel and date of receipt): a cookie, not the session, so remembering never writes
// a session row. Values are the caller's to check when they come back (Remembered).
func (s *Server) Remember(c *fiber.Ctx, name, value, path string, keep time.Duration) {
	ck := &fiber.Cookie{Name: "hromada_" + name, Value: url.QueryEscape(value), Path: path, HTTPOnly: true,
		Secure: s.cfg.SecureCookies(), SameSite: "Lax", Expires: time.Now().Add(keep)}
	if value == "" {
		ck.Expires = time.Unix(0, 0)
	}
	c.Cookie(ck)
}

// Remembered returns what Remember kept under name ("" for nothing).
func Remembered(c *fiber.Ctx, name string) string {
	v, err := url.QueryUnescape(c.Cookies("hromada_" + name))
	if err != nil {
		return ""
	}
	return v
}

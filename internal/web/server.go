// Package web is the Fiber application shared by the portal and the staff area: the middleware in its
// one order, server-side sessions, CSRF, languages, templates, static assets and the error pages.
package web

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/gofiber/fiber/v2/middleware/session"
	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/apitoken"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/ratelimit"
	"github.com/hromada/hromada/static"
)

// Deps is what the web layer needs from the program.
type Deps struct {
	Config *config.Config
	Log    *slog.Logger
	DB     *gorm.DB
	People *identity.Service
	Tokens *apitoken.Service // authenticates the machine areas (machine.go)
	Assets *static.Assets
	// Views are the template folders of the areas, by name ("portal", "admin"); templates are named
	// "portal/appeal_new" and so on.
	Views map[string]fs.FS
}

// Server is the Fiber app with what handlers need to share: sessions, texts, the current person.
type Server struct {
	App      *fiber.App
	cfg      *config.Config
	log      *slog.Logger
	db       *gorm.DB
	people   *identity.Service
	sessions *session.Store
	storage  *SessionStorage
	limits   *DBStorage
	csrf     *csrfGuard
	texts    *i18n.Translator
	bodies   *bodyRules
	tokens   *apitoken.Service
	machine  []machineArea // the machine areas by prefix (machine.go)
	shared   *sharedCache  // renderings anonymous readers share (shared.go)
}

// New builds the app and its middleware. The order is deliberate:
//
//	recover → request id + log → security headers → requests per address, the body up to the form
//	limit (bodies.go) → static files, /healthz (no session needed) → session, language, current person
//	and flash → a large upload from a signed-in person → CSRF → the areas' routes (with their role checks).
//	Machine areas (machine.go) skip the session and CSRF: a token authenticates them.
func New(d Deps) (*Server, error) {
	texts, err := i18n.NewTranslator()
	if err != nil {
		return nil, err
	}
	engine, err := newEngine(d.Views, d.Assets, d.Config.Timezone)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: d.Config, log: d.Log, db: d.DB, people: d.People, texts: texts,
		storage: NewSessionStorage(d.DB, d.Config.SessionLifetime, d.Config.SessionMaxAge), limits: NewRateLimitStorage(d.DB),
		csrf: newCSRFGuard(d.Config.Secret), bodies: newBodyRules(d.Config), tokens: d.Tokens, shared: newSharedCache(sharedMaxBytes)}
	s.sessions = session.New(session.Config{
		Storage:        s.storage,
		Expiration:     d.Config.SessionLifetime,
		KeyLookup:      "cookie:" + sessionCookie,
		CookieHTTPOnly: true,
		CookieSecure:   d.Config.SecureCookies(),
		CookieSameSite: "Lax",
		CookiePath:     "/",
		// Session-only cookie: closing the browser signs out; the server side expires after the lifetime.
		CookieSessionOnly: true,
	})
	s.sessions.RegisterType(PendingAuth{})

	app := fiber.New(fiber.Config{
		AppName:               "Hromada",
		Views:                 engine,
		ErrorHandler:          s.handleError,
		Immutable:             true, // strings from the request are kept in sessions and the database
		DisableStartupMessage: true,
		ReadTimeout:           60 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		// The visitor's address comes from the proxy's header only when the request comes from a proxy
		// named in HROMADA_TRUSTED_PROXIES: anyone else could forge it. Without that, every visitor behind a
		// reverse proxy would share the proxy's address, and with it the per-address limits.
		ProxyHeader:             d.Config.Proxy.Header,
		EnableTrustedProxyCheck: true,
		TrustedProxies:          d.Config.Proxy.Trusted,
		EnableIPValidation:      true, // a header that names no valid address is ignored: the proxy's own address counts
		// Bodies are streamed and read by guardRequests and acceptUploads (bodies.go), which count
		// them as they arrive; fasthttp must not read or pre-parse them first. BodyLimit then only
		// sets how fasthttp prefetches the first bytes.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		BodyLimit:                    int(s.bodies.upload),
	})
	s.App = app
	app.Hooks().OnRoute(s.bodies.noteUploadRoute)

	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.logPanic}))
	app.Use(requestid.New())
	app.Use(s.logRequests)
	app.Use(helmet.New(helmet.Config{
		ContentSecurityPolicy: contentSecurityPolicy(d.Config),
		XFrameOptions:         "DENY",
		ReferrerPolicy:        "same-origin",
		HSTSMaxAge:            hstsMaxAge(d.Config),
		PermissionPolicy:      "camera=(), microphone=(), geolocation=(), payment=()",
	}))
	app.Use(s.cacheRules) // public.go

	app.Use(s.guardRequests) // see bodies.go
	app.Get("/static/*", serveStatic(d.Assets))
	app.Get("/healthz", s.health)

	// Machine areas (machine.go) bring a token instead of a session: they skip the rest.
	app.Use(func(c *fiber.Ctx) error {
		if s.isMachine(c.Path()) {
			return c.Next()
		}
		if s.serveShared(c) { // shared.go: an anonymous reader's page still fresh, before any session work
			return nil
		}
		return s.loadVisitor(c)
	})
	app.Use(s.acceptUploads)
	app.Use(func(c *fiber.Ctx) error {
		if s.isMachine(c.Path()) {
			return c.Next()
		}
		return s.checkCSRF(c)
	})
	return s, nil
}

const csrfKey = "csrf"

// contentSecurityPolicy allows only our own origin: no inline script or style. Forms may post to us and
// be redirected to the identity provider (sign-out), which CSP form-action also governs.
func contentSecurityPolicy(c *config.Config) string {
	formAction := "'self'"
	if u, err := url.Parse(c.OIDC.Issuer); err == nil && u.Host != "" {
		formAction += " " + u.Scheme + "://" + u.Host
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self' data:",
		"object-src 'none'",
		"base-uri 'none'",
		"frame-ancestors 'none'",
		"form-action " + formAction,
	}, "; ")
}

func hstsMaxAge(c *config.Config) int {
	if c.SecureCookies() {
		return 31536000
	}
	return 0
}

func (s *Server) health(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := db.Ping(ctx, s.db); err != nil {
		s.log.Error("health check: database", "err", err)
		c.Set(fiber.HeaderRetryAfter, retryAfterOutage)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "database": "down"})
	}
	return c.JSON(fiber.Map{"status": "ok", "database": "up"})
}

// CollectExpiredSessions runs until ctx ends, deleting expired sessions.
func (s *Server) CollectExpiredSessions(ctx context.Context) {
	go s.limits.CollectExpired(ctx, time.Minute, s.log)
	s.storage.CollectExpired(ctx, 10*time.Minute, s.log)
}

func serveStatic(a *static.Assets) fiber.Handler {
	return func(c *fiber.Ctx) error {
		f, ok := a.Lookup(c.Params("*"))
		if !ok {
			return fiber.ErrNotFound
		}
		// The name carries the content hash: the file under it never changes.
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		c.Set(fiber.HeaderContentType, f.ContentType)
		return c.Send(f.Body)
	}
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(requestid.ConfigDefault.ContextKey).(string)
	return id
}

// logRequests writes one structured line per request. The query string is left out: it may carry
// authorization codes and state.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		// Let the error handler set the status before it is logged.
		if herr := s.App.ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	level := slog.LevelInfo
	if c.Path() == "/healthz" && c.Response().StatusCode() == fiber.StatusOK {
		level = slog.LevelDebug // load balancers ask every few seconds
	}
	s.log.Log(c.UserContext(), level, "request",
		"request_id", requestID(c),
		"method", c.Method(),
		"path", c.Path(),
		"status", c.Response().StatusCode(),
		"duration_ms", float64(time.Since(start).Microseconds())/1000,
		"ip", c.IP(),
	)
	return nil
}

func (s *Server) logPanic(c *fiber.Ctx, e any) {
	s.log.Error("panic", "request_id", requestID(c), "path", c.Path(), "panic", e)
}

// Limit allows at most N requests per Window for each key that Key returns (an account, an address).
type Limit struct {
	N      int
	Window time.Duration
	Key    func(*fiber.Ctx) string
}

// RateLimit enforces the limits; their counters live in the database, shared by every instance, and
// are all counted in one round trip (DBStorage.Hit). Over any of them: 429 with a message. Give the
// limits in one fixed order, the one whose key most requests share (an address) last.
func (s *Server) RateLimit(limits ...Limit) fiber.Handler {
	return func(c *fiber.Ctx) error {
		wait, err := s.OverLimit(c, limits...)
		if err != nil {
			return err
		}
		if wait > 0 {
			return fiber.NewError(fiber.StatusTooManyRequests, "error.too_many")
		}
		return c.Next()
	}
}

// OverLimit counts this request against the limits, as RateLimit does, and returns how long to wait
// when it goes over any of them (0 when it may go on); it then sets Retry-After. Handlers call it
// themselves where only some requests count (a form's "add a row" button is no filing) or where a
// refused request must show its form again with what was typed.
func (s *Server) OverLimit(c *fiber.Ctx, limits ...Limit) (time.Duration, error) {
	counters := s.Counters(c, limits...)
	hits, err := ratelimit.Hit(c.UserContext(), s.limits.db, counters...)
	if err != nil {
		return 0, err
	}
	var over *ratelimit.Over
	if errors.As(ratelimit.Check(counters, hits), &over) {
		return retryAfter(c, over), nil
	}
	return 0, nil
}

// Counters are this request's counters of the limits, in the order given, for a domain write that counts
// them in its own round trip (petition signing); the error it returns when one is over (*ratelimit.Over)
// is answered as RateLimit answers (429 with Retry-After).
func (s *Server) Counters(c *fiber.Ctx, limits ...Limit) []ratelimit.Counter {
	now := time.Now().UTC()
	counters := make([]ratelimit.Counter, len(limits))
	for i, l := range limits {
		counters[i] = ratelimit.At(l.Key(c), l.Window, l.N, now)
	}
	return counters
}

// retryAfter sets Retry-After for a refusal over a limit and returns the wait.
func retryAfter(c *fiber.Ctx, over *ratelimit.Over) time.Duration {
	secs := max(int(math.Ceil(time.Until(over.Until).Seconds())), 1)
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
	return time.Duration(secs) * time.Second
}

// setsCookie says whether the response sets a cookie.
func setsCookie(c *fiber.Ctx) bool {
	found := false
	c.Response().Header.VisitAllCookie(func(_, _ []byte) { found = true })
	return found
}

package web

import (
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func TestCSRFTokenIsPerSessionAndKeyed(t *testing.T) {
	g := newCSRFGuard([]byte("secret-one-secret-one-secret-one"))
	a, b := g.token("session-a"), g.token("session-b")
	if a == b || a != g.token("session-a") || len(a) < 40 {
		t.Fatalf("tokens %q and %q", a, b)
	}
	if strings.Contains(a, "session-a") {
		t.Fatal("the token must not show the session id")
	}
	if other := newCSRFGuard([]byte("secret-two-secret-two-secret-two")); other.token("session-a") == a {
		t.Fatal("the token must depend on the server secret")
	}
	for _, c := range []struct {
		session, token string
		ok             bool
	}{
		{"session-a", a, true},
		{"session-a", b, false},                  // another session's token
		{"session-a", a[:len(a)-1], false},       // cut short
		{"session-a", a + "x", false},            // too long
		{"session-a", strings.ToUpper(a), false}, // case matters
		{"session-a", "", false},                 // missing
		{"", g.token(""), false},                 // no session at all
		{"session-a", "0f0f0f0f-forged-token", false},
	} {
		if got := g.valid(c.session, c.token); got != c.ok {
			t.Errorf("valid(%q, %q) = %v, want %v", c.session, c.token, got, c.ok)
		}
	}
}

// The middleware against requests as browsers and forgers send them; the session id comes from the
// locals, as loadVisitor leaves it.
func TestCheckCSRF(t *testing.T) {
	s := &Server{log: slog.New(slog.NewTextHandler(io.Discard, nil)), csrf: newCSRFGuard([]byte("secret-one-secret-one-secret-one"))}
	app := fiber.New()
	app.Use(func(c *fiber.Ctx) error {
		c.Locals(localSessionID, c.Get("X-Test-Session"))
		return c.Next()
	})
	app.Use(s.checkCSRF)
	app.All("/form", func(c *fiber.Ctx) error { return c.SendString(c.Locals(csrfKey).(string)) })

	mine, theirs := s.csrf.token("mine"), s.csrf.token("theirs")
	for _, c := range []struct {
		name, method, token string
		header              map[string]string
		want                int
	}{
		{"a page", http.MethodGet, "", nil, 200},
		{"the session's token", http.MethodPost, mine, nil, 200},
		{"no token", http.MethodPost, "", nil, 403},
		{"another session's token", http.MethodPost, theirs, nil, 403},
		{"a same-origin form", http.MethodPost, mine, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://portal.test"}, 200},
		{"a form on another site", http.MethodPost, mine, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"an old browser on another site", http.MethodPost, mine, map[string]string{"Origin": "https://evil.example"}, 403},
		{"an old browser here", http.MethodPost, mine, map[string]string{"Origin": "http://portal.test"}, 200},
		{"PUT without a token", http.MethodPut, "", nil, 403},
		{"DELETE with the token", http.MethodDelete, mine, nil, 200},
	} {
		req := httptest.NewRequest(c.method, "http://portal.test/form", strings.NewReader(url.Values{"_csrf": {c.token}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Test-Session", "mine")
		for k, v := range c.header {
			req.Header.Set(k, v)
		}
		res, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != c.want {
			t.Errorf("%s: status %d, want %d", c.name, res.StatusCode, c.want)
		}
		if c.want == 200 && string(body) != mine {
			t.Errorf("%s: the page's token is %q, want the session's", c.name, body)
		}
	}
}

// The token is read from the body or the X-CSRF-Token header, never from the query string.
func TestCSRFTokenSources(t *testing.T) {
	s := &Server{log: slog.New(slog.NewTextHandler(io.Discard, nil)), csrf: newCSRFGuard([]byte("secret-one-secret-one-secret-one"))}
	app := fiber.New()
	app.Use(func(c *fiber.Ctx) error {
		c.Locals(localSessionID, "mine")
		return c.Next()
	})
	app.Use(s.checkCSRF)
	app.Post("/form", func(c *fiber.Ctx) error { return c.SendString("ok") })
	token := s.csrf.token("mine")

	var multi strings.Builder
	mw := multipart.NewWriter(&multi)
	_ = mw.WriteField("_csrf", token)
	_ = mw.Close()
	for _, c := range []struct {
		name, query, contentType, body, header string
		want                                   int
	}{
		{"query string only", "?_csrf=" + url.QueryEscape(token), "application/x-www-form-urlencoded", "", "", 403},
		{"query string, another body", "?_csrf=" + url.QueryEscape(token), "application/x-www-form-urlencoded", "a=b", "", 403},
		{"header", "", "application/x-www-form-urlencoded", "", token, 200},
		{"url-encoded body", "", "application/x-www-form-urlencoded", "_csrf=" + url.QueryEscape(token), "", 200},
		{"multipart body", "", mw.FormDataContentType(), multi.String(), "", 200},
		{"a JSON body with the field", "", "application/json", `{"_csrf":"` + token + `"}`, "", 403},
	} {
		req := httptest.NewRequest(http.MethodPost, "http://portal.test/form"+c.query, strings.NewReader(c.body))
		req.Header.Set("Content-Type", c.contentType)
		if c.header != "" {
			req.Header.Set("X-CSRF-Token", c.header)
		}
		res, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != c.want {
			t.Errorf("%s: status %d, want %d", c.name, res.StatusCode, c.want)
		}
	}
}

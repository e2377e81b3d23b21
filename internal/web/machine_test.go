package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/apitoken"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/dbtest"
)

// A machine area takes no session and no CSRF token; a token, when it brings one, must be live; it is
// limited per token (per address without one); and every refusal — a bad token, the limit, a route it
// does not have — comes in the area's own format, never as a page.
func TestMachineArea(t *testing.T) {
	gdb := dbtest.Open(t)
	secret := []byte("test-secret-test-secret-test-secret")
	tokens := apitoken.NewService(gdb, secret, nil)
	s := &Server{log: dbtest.Quiet(), limits: NewRateLimitStorage(gdb), tokens: tokens,
		cfg: &config.Config{Limits: config.Limits{API: config.Limit{N: 3, Window: time.Minute}}}}
	s.App = fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		return c.Status(599).SendString("the page error handler: " + err.Error())
	}})
	s.App.Use(func(c *fiber.Ctx) error {
		if s.isMachine(c.Path()) {
			return c.Next()
		}
		return c.Status(fiber.StatusForbidden).SendString("session and CSRF")
	})
	area := s.Machine("/m", MachineArea{
		TokenOf: BearerToken,
		Errors: func(c *fiber.Ctx, p Problem) error {
			return c.Status(p.Status).JSON(fiber.Map{"problem": p.Message})
		},
	})
	area.Post("/who", func(c *fiber.Ctx) error {
		if t := TokenOf(c); t != nil {
			return c.SendString(t.Name + " " + LangOf(c))
		}
		return c.SendString("nobody " + LangOf(c))
	})

	var sourceID int64
	if err := gdb.Raw("SELECT id FROM appeal_sources WHERE code = '1545'").Scan(&sourceID).Error; err != nil || sourceID == 0 {
		t.Fatalf("the 1545 source: %v", err)
	}
	plain, tok, err := tokens.Create(context.Background(), "contact centre", sourceID, []string{apitoken.ScopeAppealsRead}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := tokens.Create(context.Background(), "revoked", sourceID, []string{apitoken.ScopeAppealsRead}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tokens.Revoke(context.Background(), tok.ID+1); err != nil {
		t.Fatal(err)
	}

	do := func(method, path, token, lang string) (int, string) {
		req := httptest.NewRequest(method, path, strings.NewReader("{}"))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		res, err := s.App.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Cookies()) > 0 {
			t.Errorf("%s %s set a cookie", method, path)
		}
		return res.StatusCode, strings.TrimSpace(string(body))
	}
	for _, c := range []struct {
		name, method, path, token, lang string
		status                          int
		body                            string
	}{
		{"no token: a POST without CSRF passes", http.MethodPost, "/m/who", "", "", 200, "nobody uk"},
		{"a live token", http.MethodPost, "/m/who", plain, "en-GB,en;q=0.9", 200, "contact centre en"},
		{"a revoked token", http.MethodPost, "/m/who", other, "", 401, `{"problem":"token.error.invalid"}`},
		{"not a token", http.MethodPost, "/m/who", "hrm_nonsense", "", 401, `{"problem":"token.error.invalid"}`},
		{"a route the area lacks", http.MethodGet, "/m/nothing", plain, "", 404, `{"problem":"error.not_found"}`},
		{"the token's third request", http.MethodPost, "/m/who", plain, "", 200, "contact centre uk"},
		{"the token's fourth request", http.MethodPost, "/m/who", plain, "", 429, `{"problem":"error.too_many"}`},
		{"without a token, the address counts on its own", http.MethodPost, "/m/who", "", "", 200, "nobody uk"},
		{"outside the area", http.MethodPost, "/mm/who", "", "", 403, "session and CSRF"},
		{"the area whatever the case, as routes match", http.MethodPost, "/M/who", "", "", 200, "nobody uk"},
	} {
		status, body := do(c.method, c.path, c.token, c.lang)
		if status != c.status || body != c.body {
			t.Errorf("%s: %d %q, want %d %q", c.name, status, body, c.status, c.body)
		}
	}
}

package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/config"
)

// The flash travels in a cookie: only message ids go in, HttpOnly, for the whole site.
func TestSetFlash(t *testing.T) {
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{cfg: cfg}
	app := fiber.New()
	app.Get("/", func(c *fiber.Ctx) error {
		if err := s.SetFlash(c, c.Query("m")); err != nil {
			return fiber.NewError(fiber.StatusBadRequest, err.Error())
		}
		return c.SendStatus(fiber.StatusSeeOther)
	})
	for m, ok := range map[string]bool{
		"petition.signed": true, "admin.petitions.done.publish": true, "petition.error.not_resident": true,
		"": false, "x; Path=/admin": false, "petition.signed\r\nSet-Cookie: a=b": false, "<b>hi</b>": false,
	} {
		res, err := app.Test(httptest.NewRequest("GET", "/?m="+url.QueryEscape(m), nil))
		if err != nil {
			t.Fatal(err)
		}
		cookie := res.Header.Get("Set-Cookie")
		if !ok {
			if res.StatusCode != fiber.StatusBadRequest || cookie != "" {
				t.Errorf("%q: %d, cookie %q: want it refused", m, res.StatusCode, cookie)
			}
			continue
		}
		if !strings.HasPrefix(cookie, flashCookie+"="+m+";") || !strings.Contains(strings.ToLower(cookie), "httponly") ||
			!strings.Contains(cookie, "path=/") {
			t.Errorf("%q: cookie %q", m, cookie)
		}
	}
}

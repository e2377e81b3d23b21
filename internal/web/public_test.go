package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/identity"
)

func publicApp() (*fiber.App, string) {
	page := "<!doctype html><title>Петиції</title>" + strings.Repeat("<p>Облаштувати велодоріжку на вулиці Соборній</p>", 40)
	s := &Server{}
	app := fiber.New()
	app.Use(s.cacheRules)
	html := func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.SendString(page)
	}
	app.Get("/public", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "public, max-age=1")
		return html(c)
	})
	app.Get("/anonymous", func(c *fiber.Ctx) error {
		if c.Query("signed") == "1" {
			c.Locals(localPerson, &identity.Person{ID: 7})
		}
		PublicToAnonymous(c)
		return html(c)
	})
	app.Get("/cookie", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "public, max-age=1")
		c.Cookie(&fiber.Cookie{Name: "hromada_session", Value: "secret"})
		return html(c)
	})
	app.Get("/signed", func(c *fiber.Ctx) error {
		c.Locals(localPerson, &identity.Person{ID: 7}) // as loadVisitor does for a signed-in person
		c.Set(fiber.HeaderCacheControl, "public, max-age=1")
		return html(c)
	})
	app.Get("/private", html)
	app.Get("/small", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "public, max-age=1")
		return c.SendString("ok")
	})
	return app, page
}

func get(t *testing.T, app *fiber.App, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

func decode(t *testing.T, enc string, b []byte) string {
	t.Helper()
	var r io.Reader
	switch enc {
	case "br":
		r = brotli.NewReader(bytes.NewReader(b))
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "":
		return string(b)
	default:
		t.Fatalf("unexpected encoding %q", enc)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", enc, err)
	}
	return string(out)
}

// A public page is compressed by what the client accepts, decodes to the same page, has one strong tag
// per encoding and answers 304 to it.
func TestPublicCompressionAndETag(t *testing.T) {
	app, page := publicApp()
	tags := map[string]bool{}
	for accept, want := range map[string]string{
		"": "", "identity": "", "gzip": "gzip", "br": "br", "gzip, deflate, br, zstd": "br", "br;q=0, gzip": "gzip",
		"gzip;q=0.5, br;q=0.4": "gzip", "*": "br", "*;q=0": "", "br;q=nonsense": "", "deflate": "",
	} {
		res, body := get(t, app, "/public", "Accept-Encoding", accept)
		if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != want {
			t.Errorf("%q: %d, Content-Encoding %q, want %q", accept, res.StatusCode, res.Header.Get("Content-Encoding"), want)
			continue
		}
		if got := decode(t, want, body); got != page {
			t.Errorf("%q: the decoded body differs from the page (%d bytes, want %d)", accept, len(got), len(page))
		}
		if want != "" && len(body) >= len(page)/2 {
			t.Errorf("%q: %d bytes compressed from %d", accept, len(body), len(page))
		}
		vary := res.Header.Values("Vary")
		if !strings.Contains(strings.Join(vary, ","), "Accept-Encoding") || !strings.Contains(strings.Join(vary, ","), "Cookie") {
			t.Errorf("%q: Vary %q", accept, vary)
		}
		tag := res.Header.Get("ETag")
		if !strings.HasPrefix(tag, `"`) || !strings.HasSuffix(tag, `"`) || len(tag) < 10 {
			t.Fatalf("%q: ETag %q", accept, tag)
		}
		tags[want+" "+tag] = true
		for _, inm := range []string{tag, "W/" + tag, `"other", ` + tag, "*"} {
			res, body := get(t, app, "/public", "Accept-Encoding", accept, "If-None-Match", inm)
			if res.StatusCode != fiber.StatusNotModified || len(body) != 0 || res.Header.Get("ETag") != tag ||
				res.Header.Get("Cache-Control") != "public, max-age=1" {
				t.Errorf("%q with If-None-Match %s: %d, %d bytes, ETag %q, Cache-Control %q", accept, inm, res.StatusCode,
					len(body), res.Header.Get("ETag"), res.Header.Get("Cache-Control"))
			}
		}
		if res, _ := get(t, app, "/public", "Accept-Encoding", accept, "If-None-Match", `"stale"`); res.StatusCode != 200 {
			t.Errorf("%q with a stale tag: %d", accept, res.StatusCode)
		}
	}
	if len(tags) != 3 {
		t.Errorf("want one tag per encoding (plain, gzip, br), got %v", tags)
	}
	// A small body is not worth compressing but still validated.
	res, body := get(t, app, "/small", "Accept-Encoding", "br")
	if res.Header.Get("Content-Encoding") != "" || string(body) != "ok" || res.Header.Get("ETag") == "" {
		t.Errorf("small: encoding %q, body %q, ETag %q", res.Header.Get("Content-Encoding"), body, res.Header.Get("ETag"))
	}
}

// A response that sets a cookie, answers a signed-in person or is not public stays private: never
// compressed, never tagged, never stored by anyone.
func TestPrivateResponsesUntouched(t *testing.T) {
	app, page := publicApp()
	for path, cache := range map[string]string{"/cookie": "private, no-store", "/signed": "private, no-store",
		"/private": "no-store", "/anonymous?signed=1": "no-store"} {
		res, body := get(t, app, path, "Accept-Encoding", "br, gzip", "If-None-Match", "*")
		if res.StatusCode != 200 || string(body) != page || res.Header.Get("Content-Encoding") != "" ||
			res.Header.Get("ETag") != "" || res.Header.Get("Cache-Control") != cache {
			t.Errorf("%s: %d, Content-Encoding %q, ETag %q, Cache-Control %q (want %q), body intact %v", path, res.StatusCode,
				res.Header.Get("Content-Encoding"), res.Header.Get("ETag"), res.Header.Get("Cache-Control"), cache, string(body) == page)
		}
	}
	res, _ := get(t, app, "/anonymous", "Accept-Encoding", "gzip")
	if res.Header.Get("Cache-Control") != "public, max-age=1" || res.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("anonymous: Cache-Control %q, Content-Encoding %q", res.Header.Get("Cache-Control"), res.Header.Get("Content-Encoding"))
	}
}

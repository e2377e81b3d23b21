package portal_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/hromada/hromada/internal/apptest"
)

func getWith(t *testing.T, c *http.Client, u string, header ...string) apptest.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return apptest.Do(t, c, req)
}

func decoded(t *testing.T, r apptest.Response) string {
	t.Helper()
	var rd io.Reader
	switch r.Header.Get("Content-Encoding") {
	case "":
		return r.Body
	case "br":
		rd = brotli.NewReader(strings.NewReader(r.Body))
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader([]byte(r.Body)))
		if err != nil {
			t.Fatal(err)
		}
		rd = zr
	default:
		t.Fatalf("Content-Encoding %q", r.Header.Get("Content-Encoding"))
	}
	b, err := io.ReadAll(rd)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The anonymous public pages are cacheable for a second, compressed by Accept-Encoding and answer 304 to
// their tag; the same pages for a signed-in person are never public, never compressed, never tagged.
func TestPublicPagesCacheAndCompress(t *testing.T) {
	s := apptest.Start(t, nil)
	anon := apptest.Browser(t)
	for _, path := range []string{"/", "/petitions", "/api/v1/petitions", "/petitions.csv"} {
		plain := getWith(t, anon, s.Path(path), "Accept-Encoding", "identity")
		if plain.Status != http.StatusOK || !strings.HasPrefix(plain.Header.Get("Cache-Control"), "public, max-age=") ||
			plain.Header.Get("Set-Cookie") != "" || !strings.Contains(strings.Join(plain.Header.Values("Vary"), ","), "Accept-Encoding") {
			t.Errorf("%s: %d, Cache-Control %q, Set-Cookie %q, Vary %q", path, plain.Status, plain.Header.Get("Cache-Control"),
				plain.Header.Get("Set-Cookie"), plain.Header.Values("Vary"))
			continue
		}
		for _, enc := range []string{"br", "gzip"} {
			r := getWith(t, anon, s.Path(path), "Accept-Encoding", enc)
			if len(plain.Body) >= 512 && r.Header.Get("Content-Encoding") != enc {
				t.Errorf("%s, %s: Content-Encoding %q", path, enc, r.Header.Get("Content-Encoding"))
			}
			if got := decoded(t, r); got != plain.Body {
				t.Errorf("%s, %s: the decoded page differs from the plain one", path, enc)
			}
			tag := r.Header.Get("ETag")
			if again := getWith(t, anon, s.Path(path), "Accept-Encoding", enc, "If-None-Match", tag); tag == "" ||
				again.Status != http.StatusNotModified || again.Body != "" {
				t.Errorf("%s, %s: ETag %q, then %d with %d bytes", path, enc, tag, again.Status, len(again.Body))
			}
		}
	}
	// The home page in English is another representation with another tag.
	uk := getWith(t, anon, s.Path("/"), "Accept-Encoding", "br")
	apptest.Get(t, anon, s.Path("/lang/en"))
	en := getWith(t, anon, s.Path("/"), "Accept-Encoding", "br")
	if uk.Header.Get("ETag") == en.Header.Get("ETag") || !strings.Contains(decoded(t, en), `lang="en"`) {
		t.Errorf("uk and en pages share the tag %q", en.Header.Get("ETag"))
	}

	signed := apptest.Browser(t)
	s.SignIn(t, signed, iryna)
	for _, path := range []string{"/", "/petitions"} {
		r := getWith(t, signed, s.Path(path), "Accept-Encoding", "br, gzip", "If-None-Match", "*")
		if r.Status != http.StatusOK || r.Header.Get("Content-Encoding") != "" || r.Header.Get("ETag") != "" ||
			strings.Contains(r.Header.Get("Cache-Control"), "public") || !strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
			t.Errorf("%s signed in: %d, Content-Encoding %q, ETag %q, Cache-Control %q", path, r.Status,
				r.Header.Get("Content-Encoding"), r.Header.Get("ETag"), r.Header.Get("Cache-Control"))
		}
		if !strings.Contains(r.Body, "Бондар") {
			t.Errorf("%s signed in: the page does not name the person", path)
		}
	}
}

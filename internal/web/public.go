package web

import (
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Public responses: a page anyone may cache (its handler said "public" and it sets no cookie) carries
// nothing personal, so it may be compressed and validated. Everything else is left exactly as the
// handler made it: signed-in pages carry CSRF tokens and personal data, and compressing such a body next
// to text a stranger can put in it (a search, a title) lets the stranger guess the secret from the
// compressed sizes (BREACH).

// compressMin is the smallest body worth compressing: below it the encoding's own overhead wins.
const compressMin = 512

// cacheRules sets the caching headers of every response after its handler: "no-store" unless the
// handler says otherwise, never "public" for a signed-in person or a response that sets a cookie, and
// for a public answer the validator, the 304 and the compression (finishPublic).
func (s *Server) cacheRules(c *fiber.Ctx) error {
	// Pages carry personal data: no caching unless a handler says otherwise, and never in a shared
	// cache when the response sets a cookie (it would hand one visitor's session to the next) or
	// answers a signed-in person (whose page names them, however the handler marked it) or a machine
	// request that brought a token (what a token reads is its source's own).
	c.Set(fiber.HeaderCacheControl, "no-store")
	err := c.Next()
	if !strings.Contains(string(c.Response().Header.Peek(fiber.HeaderCacheControl)), "public") {
		return err
	}
	if setsCookie(c) || PersonOf(c) != nil || TokenOf(c) != nil {
		c.Set(fiber.HeaderCacheControl, "private, no-store")
		return err
	}
	if err == nil {
		finishPublic(c)
	}
	return err
}

// finishPublic gives a public 200 answer to GET or HEAD a strong ETag over its bytes as sent, answers
// 304 when the client already holds them, and otherwise compresses the body by Accept-Encoding.
func finishPublic(c *fiber.Ctx) {
	res := c.Response()
	if shared, _ := c.Locals(localShared).(bool); shared {
		return // a shared rendering carries its own validators and encodings (shared.go)
	}
	if m := c.Method(); (m != fiber.MethodGet && m != fiber.MethodHead) || res.StatusCode() != fiber.StatusOK ||
		res.IsBodyStream() || len(res.Header.Peek(fiber.HeaderContentEncoding)) > 0 {
		return // a stream is not read into memory here; an encoded body is someone else's
	}
	c.Vary(fiber.HeaderAcceptEncoding)
	if strings.HasPrefix(string(res.Header.ContentType()), fiber.MIMETextHTML) {
		c.Vary(fiber.HeaderCookie) // the language a page is written in comes from a cookie
	}
	body := res.Body()
	enc := ""
	if len(body) >= compressMin && compressible(string(res.Header.ContentType())) {
		enc = pickEncoding(string(c.Request().Header.Peek(fiber.HeaderAcceptEncoding)))
	}
	// One tag per representation: the compressed bytes differ from the plain ones, so their strong tags
	// must differ too (RFC 9110, 8.8.3).
	sum := sha256.Sum256(body)
	tag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18])
	if enc != "" {
		tag += "-" + enc
	}
	tag += `"`
	c.Set(fiber.HeaderETag, tag)
	if noneMatch(string(c.Request().Header.Peek(fiber.HeaderIfNoneMatch)), tag) {
		res.ResetBody()
		res.SetStatusCode(fiber.StatusNotModified)
		return
	}
	switch enc {
	case "br":
		res.SetBodyRaw(fasthttp.AppendBrotliBytesLevel(nil, body, fasthttp.CompressBrotliDefaultCompression))
	case "gzip":
		res.SetBodyRaw(fasthttp.AppendGzipBytesLevel(nil, body, fasthttp.CompressDefaultCompression))
	default:
		return
	}
	c.Set(fiber.HeaderContentEncoding, enc)
}

// compressible are the text types the public pages answer with; images and files are compressed already.
func compressible(contentType string) bool {
	t, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	switch strings.TrimSpace(t) {
	case "text/html", "text/csv", "text/plain", "text/css", "text/javascript", "application/javascript",
		"application/json", "application/geo+json", "application/xml", "image/svg+xml":
		return true
	}
	return false
}

// pickEncoding chooses br, then gzip, among the codings the client accepts with a non-zero weight
// (RFC 9110, 12.5.3): "br;q=0" refuses brotli, "*" accepts both. Equal weights prefer br, the smaller.
func pickEncoding(header string) string {
	weights := map[string]float64{}
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0 // a weight that cannot be read accepts nothing
				}
				q = f
			}
		}
		weights[name] = q
	}
	best, bestQ := "", 0.0
	for _, enc := range []string{"br", "gzip"} {
		q, ok := weights[enc]
		if !ok {
			q, ok = weights["*"]
		}
		if ok && q > bestQ {
			best, bestQ = enc, q
		}
	}
	return best
}

// noneMatch reports whether If-None-Match names tag: "*", or a list of tags compared weakly (a W/
// prefix is ignored), as RFC 9110 13.1.2 asks for this header.
func noneMatch(header, tag string) bool {
	header = strings.TrimSpace(header)
	if header == "" {
		return false
	}
	if header == "*" {
		return true
	}
	for _, t := range strings.Split(header, ",") {
		if strings.TrimPrefix(strings.TrimSpace(t), "W/") == tag {
			return true
		}
	}
	return false
}

// PublicToAnonymous lets shared caches keep the page for a second when nobody is signed in: the same
// page goes to every anonymous reader of a language, and a second is as stale as a count may look.
// A signed-in person's page stays "no-store" (cacheRules enforces it whatever a handler says).
func PublicToAnonymous(c *fiber.Ctx) {
	if PersonOf(c) == nil {
		c.Set(fiber.HeaderCacheControl, "public, max-age=1")
	}
}

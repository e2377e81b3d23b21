package web

import (
	"container/list"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
	"golang.org/x/sync/singleflight"

	"github.com/hromada/hromada/internal/i18n"
)

// Shared renderings: a public page an anonymous reader asks for is the same bytes for every anonymous
// reader of a language, so when a thousand people open a viral petition at once it is rendered (and
// compressed) once and the bytes are handed to all of them. Only readers who bring neither a session
// nor a flash cookie nor a token share: their page has no CSRF token, no name and no message in it,
// and nothing of theirs goes into a rendering another reader gets (the rendering is stored only when
// the response set no cookie and said "public").
//
// A rendering is reused in two ways. While the data's own cache still holds what it was made from
// (Share.Current; for a page without a version, Share.Fresh after it was made) it is served before the
// visitor's session is even looked up (serveShared). After that the handler asks again: it reads what
// the page depends on (Share.Version: a petition's last change and its count, read together at most
// every two seconds, the count's window) and the rendering is served again when that has not changed,
// or made anew by one request while the others wait for it (singleflight). So a reader never sees a
// page older than the data's window.

// localShared marks a response served from a shared rendering: its validators and encodings are set.
const localShared = "shared"

// Limits of the shared renderings: a rendering of a petition is some 12 KiB with its compressed forms,
// so the cap holds a few thousand pages (every page of every petition's signatories in two languages)
// and bounds what a visitor who asks for endless query strings can make the server keep.
const (
	sharedMaxBytes = 24 << 20
	sharedMaxAge   = time.Minute // a rendering is remade at least this often (days left move with the clock)
)

// Share says how a handler's page may be reused (Server.Shared).
type Share struct {
	// Version is what the page shows, condensed (a petition's last change and its count): the same
	// version, the same page. "" reuses the page by time alone, for Fresh after it was made.
	Version string
	// Current says, without reading the database, whether Version is still what the data's own cache
	// holds (false once that cache's window has passed or this process changed the data): while it
	// does, the rendering is served before the visitor is even looked up.
	Current func() bool
	// Fresh is how long a page without a version is reused: the data's own window (a list's max-age).
	Fresh time.Duration
}

// sharedPage is one rendering with its compressed forms, immutable once stored.
type sharedPage struct {
	key, version    string
	contentType     string
	cacheControl    string
	disposition     string // a download's Content-Disposition (the CSV)
	plain, br, gzip []byte
	tag             string // the ETag's common part: the hash of the plain bytes
	modified        time.Time
	made            time.Time
	current         func() bool // Share.Current, for a page with a version
	fresh           time.Duration
	size            int
	html            bool
	lru             *list.Element
}

type sharedCache struct {
	mu     sync.Mutex
	pages  map[string]*sharedPage
	order  *list.List // most recently used first
	bytes  int
	max    int
	flight singleflight.Group
}

func newSharedCache(max int) *sharedCache {
	return &sharedCache{pages: map[string]*sharedPage{}, order: list.New(), max: max}
}

func (sc *sharedCache) get(key string) *sharedPage {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	p := sc.pages[key]
	if p != nil {
		sc.order.MoveToFront(p.lru)
	}
	return p
}

// fresh returns the rendering under key when it may be served without asking its handler.
func (sc *sharedCache) fresh(key string, now time.Time) *sharedPage {
	sc.mu.Lock()
	p := sc.pages[key]
	if p != nil {
		sc.order.MoveToFront(p.lru)
	}
	sc.mu.Unlock()
	if p == nil || !p.within(now) || (p.current != nil && !p.current()) {
		return nil
	}
	return p
}

// within says whether the rendering is young enough: a page with a version until sharedMaxAge (its
// version decides the rest), one without for its window.
func (p *sharedPage) within(now time.Time) bool {
	age := now.Sub(p.made)
	if p.version == "" {
		return age < p.fresh
	}
	return age < sharedMaxAge && p.current != nil
}

// confirm returns the stored rendering when the handler's version is still the one it was made from
// (a page without a version: while it is within its window).
func (sc *sharedCache) confirm(key string, sh Share, now time.Time) *sharedPage {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	p := sc.pages[key]
	if p == nil || p.version != sh.Version || !p.within(now) {
		return nil
	}
	sc.order.MoveToFront(p.lru)
	return p
}

func (sc *sharedCache) put(p *sharedPage) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if old := sc.pages[p.key]; old != nil {
		sc.remove(old)
	}
	if p.size > sc.max {
		return
	}
	p.lru = sc.order.PushFront(p)
	sc.pages[p.key] = p
	sc.bytes += p.size
	for sc.bytes > sc.max {
		sc.remove(sc.order.Back().Value.(*sharedPage))
	}
}

func (sc *sharedCache) remove(p *sharedPage) {
	sc.order.Remove(p.lru)
	delete(sc.pages, p.key)
	sc.bytes -= p.size
}

// sharedReader says whether the request may get, and make, a shared rendering: a GET or HEAD from
// someone who brings no session, no flash message and no token. It returns the rendering's key: the
// language and the address as asked, query included (the page links back to it).
func sharedReader(c *fiber.Ctx) (string, bool) {
	if m := c.Method(); m != fiber.MethodGet && m != fiber.MethodHead {
		return "", false
	}
	if c.Cookies(sessionCookie) != "" || c.Cookies(flashCookie) != "" ||
		len(c.Request().Header.Peek(fiber.HeaderAuthorization)) > 0 || c.Locals(localPerson) != nil {
		return "", false
	}
	lang := c.Cookies(langCookie)
	if !slices.Contains(i18n.Languages, lang) {
		lang = i18n.Languages[0]
	}
	return lang + " " + c.OriginalURL(), true
}

// serveShared answers, before the visitor is looked up, with a rendering still within its window; it
// reports whether it did.
func (s *Server) serveShared(c *fiber.Ctx) bool {
	key, ok := sharedReader(c)
	if !ok {
		return false
	}
	p := s.shared.fresh(key, time.Now())
	if p == nil {
		return false
	}
	p.serve(c)
	return true
}

// Shared serves render's page to an anonymous reader from a rendering shared with other anonymous
// readers of the language while sh allows, and makes it once when it does not (one request renders,
// the others arriving meanwhile wait for its bytes). Anyone else — signed in, with a session or a
// flash message — gets render's page made for them, as without this. render must make the whole
// response (a page, JSON, CSV) and mark it public (PublicToAnonymous) for it to be shared.
func (s *Server) Shared(c *fiber.Ctx, sh Share, render func() error) error {
	key, ok := sharedReader(c)
	if !ok {
		return render()
	}
	if sh.Version != "" && sh.Current == nil {
		sh.Version = "" // a version nobody can confirm early is reused by time alone
	}
	if p := s.shared.confirm(key, sh, time.Now()); p != nil {
		p.serve(c)
		return nil
	}
	if c.Method() != fiber.MethodGet {
		return render() // a HEAD has no body to keep
	}
	leader := false
	v, err, _ := s.shared.flight.Do(key+"\x00"+sh.Version, func() (any, error) {
		leader = true
		if err := render(); err != nil {
			return nil, err
		}
		return s.keep(c, key, sh), nil
	})
	if err != nil {
		return err
	}
	if p, _ := v.(*sharedPage); p != nil {
		c.Response().ResetBody()
		p.serve(c)
		return nil
	}
	if leader {
		return nil // render's own response, not shareable, is already in c
	}
	return render()
}

// keep stores the response render made when it may be shared: a public 200 that sets no cookie.
func (s *Server) keep(c *fiber.Ctx, key string, sh Share) *sharedPage {
	res := c.Response()
	cc := string(res.Header.Peek(fiber.HeaderCacheControl))
	if res.StatusCode() != fiber.StatusOK || !strings.Contains(cc, "public") || setsCookie(c) ||
		res.IsBodyStream() || len(res.Header.Peek(fiber.HeaderContentEncoding)) > 0 {
		return nil
	}
	now := time.Now()
	ct := string(res.Header.ContentType())
	p := &sharedPage{key: key, version: sh.Version, contentType: ct, cacheControl: cc,
		disposition: string(res.Header.Peek(fiber.HeaderContentDisposition)),
		plain:       append([]byte(nil), res.Body()...), made: now, current: sh.Current, fresh: sh.Fresh,
		html: strings.HasPrefix(ct, fiber.MIMETextHTML)}
	sum := sha256.Sum256(p.plain)
	p.tag = base64.RawURLEncoding.EncodeToString(sum[:18])
	// Compressed once here, so a reader who asks for brotli costs no compression.
	if len(p.plain) >= compressMin && compressible(ct) {
		p.br = fasthttp.AppendBrotliBytesLevel(nil, p.plain, fasthttp.CompressBrotliDefaultCompression)
		p.gzip = fasthttp.AppendGzipBytesLevel(nil, p.plain, fasthttp.CompressDefaultCompression)
	}
	p.size = len(p.plain) + len(p.br) + len(p.gzip) + len(key) + 256
	// The same bytes keep the time they first appeared: Last-Modified moves only when the page does.
	p.modified = now.UTC().Truncate(time.Second)
	if old := s.shared.get(key); old != nil && old.tag == p.tag {
		p.modified = old.modified
	}
	s.shared.put(p)
	return p
}

// serve writes the rendering as the answer: the representation Accept-Encoding picks, its ETag, the
// time it last changed, and a 304 when the client holds it already.
func (p *sharedPage) serve(c *fiber.Ctx) {
	c.Locals(localShared, true) // finishPublic has nothing left to do
	res := c.Response()
	res.SetStatusCode(fiber.StatusOK)
	res.Header.SetContentType(p.contentType)
	c.Set(fiber.HeaderCacheControl, p.cacheControl)
	if p.disposition != "" {
		c.Set(fiber.HeaderContentDisposition, p.disposition)
	}
	c.Vary(fiber.HeaderAcceptEncoding)
	if p.html {
		c.Vary(fiber.HeaderCookie)
	}
	body, enc := p.plain, ""
	if p.br != nil {
		switch pickEncoding(string(c.Request().Header.Peek(fiber.HeaderAcceptEncoding))) {
		case "br":
			body, enc = p.br, "br"
		case "gzip":
			body, enc = p.gzip, "gzip"
		}
	}
	tag := `"` + p.tag
	if enc != "" {
		tag += "-" + enc
		c.Set(fiber.HeaderContentEncoding, enc)
	}
	tag += `"`
	c.Set(fiber.HeaderETag, tag)
	c.Set(fiber.HeaderLastModified, p.modified.Format(http.TimeFormat))
	if notModified(c, tag, p.modified) {
		res.Header.Del(fiber.HeaderContentEncoding)
		res.ResetBody()
		res.SetStatusCode(fiber.StatusNotModified)
		return
	}
	res.SetBodyRaw(body) // the stored bytes are never written to again
}

// notModified applies the client's validators (RFC 9110, 13.2.2): If-None-Match when it is sent,
// otherwise If-Modified-Since.
func notModified(c *fiber.Ctx, tag string, modified time.Time) bool {
	if inm := c.Request().Header.Peek(fiber.HeaderIfNoneMatch); len(inm) > 0 {
		return noneMatch(string(inm), tag)
	}
	ims := string(c.Request().Header.Peek(fiber.HeaderIfModifiedSince))
	if ims == "" {
		return false
	}
	t, err := http.ParseTime(ims)
	return err == nil && !modified.After(t)
}

package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/config"
)

// Request bodies are read here and nowhere before. The server streams them (StreamRequestBody, without
// fasthttp's pre-parsing of multipart forms), so a request reaches guardRequests with nothing but its
// first few KiB read, and this file decides how much more may come:
//
//   - any request: at most the form limit (HROMADA_MAX_FORM_KB), into memory, chunked bodies counted as
//     they arrive; a bigger body is refused with 413 before more of it is read;
//   - a POST of multipart/form-data to a route marked AcceptUploads, from a signed-in person: up to the
//     upload limit (the attachments allowed plus 1 MiB), copied to an unlinked temporary file as it
//     arrives, so a file costs disk, not memory. The form limit's worth is read before anyone is known
//     (acceptUploads decides once loadVisitor has found the person);
//   - at most HROMADA_LIMIT_CONCURRENT_IP requests of one address at once on this instance; the rest get 429.
//
// Whatever was read is handed back to fasthttp (SetBodyRaw, SetBodyStream), so handlers keep using
// FormValue, MultipartForm and FormFile, and a single file over its own limit is still refused by the
// form itself with the typed input kept.
//
// A body that is not read must not stay on the connection: fasthttp would parse what is left of it as
// the next request. So the rest of a refused body is read and thrown away (never kept), up to twice the
// upload limit, before the answer goes out: a browser that is still uploading when the server closes the
// connection shows a network error instead of our 413 page. A body longer than that, or one refused for
// being over the address's limit, ends its connection (Connection: close) instead.
type bodyRules struct {
	form   int64 // any request
	upload int64 // AcceptUploads routes, signed-in persons
	drain  int64 // the most of a refused body that is read and discarded
	// uploads are the routes marked AcceptUploads, collected while the areas register their routes
	// (before the server starts, so no lock is needed to read them).
	uploads   []routePattern
	addresses *addressLimiter
	// uploaders counts each person's large uploads in progress: a spooled upload costs a temporary file
	// of up to the upload limit, and one account must not hold many of them at once.
	uploaders *addressLimiter
}

// uploadsPerPerson is how many large uploads one person may have in progress on an instance: a form
// sent twice by an impatient click, not a script's dozens.
const uploadsPerPerson = 2

func newBodyRules(c *config.Config) *bodyRules {
	upload := uploadLimit(c)
	return &bodyRules{form: c.MaxFormBytes, upload: upload, drain: 2 * upload,
		addresses: newAddressLimiter(c.Limits.ConcurrentIP), uploaders: newAddressLimiter(uploadsPerPerson)}
}

// uploadLimit is what a form with files may send: the attachments allowed plus room for the text.
func uploadLimit(c *config.Config) int64 {
	return c.MaxAttachmentBytes*int64(c.MaxAttachments+1) + 1<<20
}

// AcceptUploads marks a POST route whose form carries files: signed-in persons may send it more than
// the form limit, up to the upload limit. It does nothing while a request runs: New's route hook finds
// it in the route's handlers, and guardRequests looks the request's path up among the marked routes.
func AcceptUploads(c *fiber.Ctx) error { return c.Next() }

// acceptUploadsCode identifies AcceptUploads among a route's handlers. Funcs are not comparable in Go;
// the code pointer of a top-level function is one per function.
var acceptUploadsCode = reflect.ValueOf(AcceptUploads).Pointer()

// noteUploadRoute is the app's OnRoute hook.
func (b *bodyRules) noteUploadRoute(r fiber.Route) error {
	if !slices.ContainsFunc(r.Handlers, func(h fiber.Handler) bool { return reflect.ValueOf(h).Pointer() == acceptUploadsCode }) {
		return nil
	}
	if r.Method != fiber.MethodPost {
		return fmt.Errorf("AcceptUploads on %s %s: only POST forms carry files", r.Method, r.Path)
	}
	p, err := parseRoutePattern(r.Path)
	if err != nil {
		return err
	}
	b.uploads = append(b.uploads, p)
	return nil
}

func (b *bodyRules) isUploadRoute(path string) bool {
	return slices.ContainsFunc(b.uploads, func(p routePattern) bool { return p.match(path) })
}

// routePattern is a route path in segments as Fiber writes it: literals, and parameters (":id", with
// an optional constraint; only <int> narrows the match). Matching follows the app's settings:
// case-insensitive, a trailing slash ignored.
type routePattern []string

const (
	anySegment = ":"
	intSegment = ":int"
)

func parseRoutePattern(path string) (routePattern, error) {
	var p routePattern
	for _, seg := range strings.Split(strings.Trim(strings.ToLower(path), "/"), "/") {
		switch {
		case strings.ContainsAny(seg, "*+?"):
			return nil, fmt.Errorf("AcceptUploads on %s: wildcard and optional parameters are not supported", path)
		case strings.HasPrefix(seg, ":") && strings.HasSuffix(seg, "<int>"):
			p = append(p, intSegment)
		case strings.HasPrefix(seg, ":"):
			p = append(p, anySegment)
		default:
			p = append(p, seg)
		}
	}
	return p, nil
}

func (p routePattern) match(path string) bool {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) != len(p) {
		return false
	}
	for i, s := range segs {
		switch p[i] {
		case anySegment:
			if s == "" {
				return false
			}
		case intSegment:
			if _, err := strconv.ParseUint(s, 10, 63); err != nil {
				return false
			}
		default:
			if !strings.EqualFold(s, p[i]) {
				return false
			}
		}
	}
	return true
}

// Locals kept by the body middleware.
const (
	localBodyRead    = "body_read"    // true once the body is read (or there is none)
	localPendingBody = "pending_body" // []byte: the first part of a large upload, until acceptUploads
)

// guardRequests counts the request against its address, reads a body up to the form limit, and makes
// sure that no unread body stays on the connection (see bodyRules).
func (s *Server) guardRequests(c *fiber.Ctx) error {
	release := s.bodies.addresses.acquire(c.IP())
	defer func() {
		if read, _ := c.Locals(localBodyRead).(bool); !read && hasBody(c) {
			s.discardBody(c, release != nil)
		}
		if release != nil {
			release()
		}
	}()
	if release == nil {
		c.Set(fiber.HeaderRetryAfter, "2")
		return fiber.NewError(fiber.StatusTooManyRequests, "error.busy")
	}
	if err := s.readBody(c); err != nil {
		return err
	}
	return c.Next()
}

// hasBody says whether the request announced a body (a length, or chunks).
func hasBody(c *fiber.Ctx) bool {
	n := c.Request().Header.ContentLength()
	return n > 0 || n == -1
}

// discardBody reads what is left of a refused body and throws it away, so the connection can serve the
// next request; a body longer than the drain limit, or one that is not to be read at all (drain false:
// the address is over its limit and must not hold the connection), closes the connection after the
// answer instead. Either way the connection stays within the server's read timeout.
func (s *Server) discardBody(c *fiber.Ctx, drain bool) {
	if n := c.Request().Header.ContentLength(); int64(n) > s.bodies.drain {
		drain = false // announced too long to be worth reading
	}
	if stream := c.Context().RequestBodyStream(); drain && stream != nil {
		if _, err := io.CopyN(io.Discard, stream, s.bodies.drain); errors.Is(err, io.EOF) {
			return // the whole body is read: the next request starts cleanly
		}
	}
	c.Context().SetConnectionClose()
}

var errBodyTooLarge = fiber.NewError(fiber.StatusRequestEntityTooLarge, "error.too_large")

// readBody reads a body of at most the form limit and gives it to fasthttp; a larger multipart POST to
// an upload route waits in localPendingBody for acceptUploads. Anything larger is refused unread.
func (s *Server) readBody(c *fiber.Ctx) error {
	req := c.Request()
	if !hasBody(c) {
		c.Locals(localBodyRead, true)
		return nil
	}
	if enc := req.Header.Peek(fiber.HeaderContentEncoding); len(enc) > 0 && !bytes.EqualFold(enc, []byte("identity")) {
		// Browsers never compress what they send; a compressed body would be inflated past every limit.
		return fiber.NewError(fiber.StatusUnsupportedMediaType, "error.bad_request")
	}
	upload := c.Method() == fiber.MethodPost && len(req.Header.MultipartFormBoundary()) > 0 && s.bodies.isUploadRoute(c.Path())
	limit := s.bodies.form
	if upload {
		limit = s.bodies.upload
	}
	if n := req.Header.ContentLength(); int64(n) > limit {
		return errBodyTooLarge
	}
	stream := c.Context().RequestBodyStream()
	if stream == nil { // read whole by the server (not streaming): only the length is left to check
		c.Locals(localBodyRead, true)
		if int64(len(req.Body())) > limit {
			return errBodyTooLarge
		}
		return nil
	}
	buf, err := readUpTo(stream, int64(req.Header.ContentLength()), s.bodies.form)
	if err != nil {
		return s.brokenBody(c, err)
	}
	if int64(len(buf)) <= s.bodies.form {
		req.SetBodyRaw(buf)
		req.Header.SetContentLength(len(buf))
		c.Locals(localBodyRead, true)
		return nil
	}
	if !upload {
		return errBodyTooLarge
	}
	c.Locals(localPendingBody, buf)
	return nil
}

// readUpTo reads r to its end, or to limit+1 bytes when it is longer (the caller sees len > limit).
// size is the announced length, or -1 for chunks: the buffer never grows past what is needed.
func readUpTo(r io.Reader, size, limit int64) ([]byte, error) {
	capacity := limit + 1
	switch {
	case size >= 0 && size < limit:
		capacity = size + 1 // +1: the end is seen without growing
	case size < 0:
		capacity = min(capacity, 16<<10)
	}
	buf := make([]byte, 0, capacity)
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return buf, nil
			}
			buf = slices.Grow(buf, int(min(2*int64(cap(buf)), limit+1))-len(buf))
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case errors.Is(err, io.EOF):
			return buf, nil
		case err != nil:
			return buf, err
		}
	}
}

// brokenBody answers a body that could not be read (the client stopped sending, malformed chunks): the
// connection is closed without lingering, there is nothing sensible left on it.
func (s *Server) brokenBody(c *fiber.Ctx, err error) error {
	c.Locals(localBodyRead, true)
	c.Context().SetConnectionClose()
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fiber.NewError(fiber.StatusRequestTimeout, "error.bad_request")
	}
	return fiber.NewError(fiber.StatusBadRequest, "error.bad_request")
}

// acceptUploads runs after loadVisitor: a large upload that readBody left waiting is taken, up to the
// upload limit, only from a signed-in person, into an unlinked temporary file that fasthttp reads the
// form from (and closes at the end of the request).
func (s *Server) acceptUploads(c *fiber.Ctx) error {
	prefix, ok := c.Locals(localPendingBody).([]byte)
	if !ok {
		return c.Next()
	}
	c.Locals(localPendingBody, nil)
	person := PersonOf(c)
	if person == nil {
		// Usually a session that ended while the form was filled in: say so, not "too large".
		return fiber.NewError(fiber.StatusRequestEntityTooLarge, "error.too_large_signed_out")
	}
	release := s.bodies.uploaders.acquire("person:" + strconv.FormatInt(person.ID, 10))
	if release == nil {
		c.Set(fiber.HeaderRetryAfter, "5")
		return fiber.NewError(fiber.StatusTooManyRequests, "error.uploads_busy")
	}
	defer release()
	f, n, err := spool(prefix, c.Context().RequestBodyStream(), s.bodies.upload)
	switch {
	case errors.Is(err, errBodyTooLarge):
		return err
	case errors.Is(err, errSpoolFile):
		return err // the server's own trouble: a 500, logged
	case err != nil:
		return s.brokenBody(c, err)
	}
	c.Request().SetBodyStream(f, int(n))
	c.Locals(localBodyRead, true)
	return c.Next()
}

var errSpoolFile = errors.New("temporary file for an upload")

// spool writes prefix and then rest, up to limit bytes in all, to a temporary file and returns it
// rewound. Over the limit it stops reading and returns errBodyTooLarge.
func spool(prefix []byte, rest io.Reader, limit int64) (*os.File, int64, error) {
	f, err := os.CreateTemp("", "hromada-upload-*")
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %w", errSpoolFile, err)
	}
	// Unlinked at once: the file lives while it is open, and nothing is left behind by a crash.
	if err := os.Remove(f.Name()); err != nil {
		_ = f.Close()
		return nil, 0, fmt.Errorf("%w: %w", errSpoolFile, err)
	}
	fail := func(err error) (*os.File, int64, error) {
		_ = f.Close()
		return nil, 0, err
	}
	if _, err := f.Write(prefix); err != nil {
		return fail(fmt.Errorf("%w: %w", errSpoolFile, err))
	}
	n, err := io.Copy(f, io.LimitReader(rest, limit-int64(len(prefix))+1))
	var pe *os.PathError
	switch {
	case errors.As(err, &pe):
		return fail(fmt.Errorf("%w: %w", errSpoolFile, err))
	case err != nil:
		return fail(err)
	}
	total := int64(len(prefix)) + n
	if total > limit {
		return fail(errBodyTooLarge)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(fmt.Errorf("%w: %w", errSpoolFile, err))
	}
	return f, total, nil
}

// RequestsInProgress says how many requests the address has in progress on this instance.
func (s *Server) RequestsInProgress(addr string) int {
	l := s.bodies.addresses
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.inFlight[l.key(addr)]
}

// UploadsInProgress says how many large uploads the person has in progress on this instance.
func (s *Server) UploadsInProgress(personID int64) int {
	l := s.bodies.uploaders
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.inFlight["person:"+strconv.FormatInt(personID, 10)]
}

// addressLimiter counts the requests each client address has in progress. IPv6 addresses count by
// their /64, which one subscriber usually holds whole.
type addressLimiter struct {
	max      int
	mu       sync.Mutex
	inFlight map[string]int
}

func newAddressLimiter(perAddress int) *addressLimiter {
	return &addressLimiter{max: perAddress, inFlight: map[string]int{}}
}

func (l *addressLimiter) key(addr string) string {
	if a, err := netip.ParseAddr(addr); err == nil && a.Is6() && !a.Is4In6() {
		if p, err := a.Prefix(64); err == nil {
			return p.String()
		}
	}
	return addr
}

// acquire takes a slot of the address and returns the function that gives it back (once), or nil when
// the address has no slot left.
func (l *addressLimiter) acquire(addr string) func() {
	key := l.key(addr)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.inFlight[key] >= l.max {
		return nil
	}
	l.inFlight[key]++
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.inFlight[key]--; l.inFlight[key] <= 0 {
				delete(l.inFlight, key)
			}
		})
	}
}

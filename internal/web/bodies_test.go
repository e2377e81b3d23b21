package web_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/apptest"
)

// rawRequest starts a request on its own connection: the head, then a body the caller writes.
func rawRequest(t *testing.T, addr, head string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	return conn
}

// writeChunks sends n bytes of body in chunks of 64 KiB, then the last chunk; it stops quietly when the
// server has closed the connection.
func writeChunks(conn net.Conn, n int64) error {
	chunk := []byte(fmt.Sprintf("%x\r\n%s\r\n", 64<<10, strings.Repeat("a", 64<<10)))
	for sent := int64(0); sent < n; sent += 64 << 10 {
		if _, err := conn.Write(chunk); err != nil {
			return err
		}
	}
	_, err := io.WriteString(conn, "0\r\n\r\n")
	return err
}

func readResponse(t *testing.T, br *bufio.Reader) (*http.Response, string) {
	t.Helper()
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	return res, string(body)
}

// A visitor who is not signed in may send no more than the form limit: a chunked body of 64 MiB gets
// the 413 page, and the server never holds it in memory (the program runs in this process, so what it
// allocates shows in this process's statistics). The rest of the body is read and thrown away, so the
// connection serves the next request cleanly.
func TestAnonymousChunkedBodyIsRefusedWithoutBuffering(t *testing.T) {
	s := apptest.Start(t, nil)
	const size = 64 << 20
	for _, c := range []struct{ name, path, message string }{
		{"a form without files", "/account/notices", "завеликий обсяг даних"},
		{"a form with files", "/appeals", "Увійдіть і надішліть форму ще раз"},
	} {
		t.Run(c.name, func(t *testing.T) {
			conn := rawRequest(t, strings.TrimPrefix(s.URL, "http://"), "POST "+c.path+" HTTP/1.1\r\nHost: portal.test\r\n"+
				"Content-Type: multipart/form-data; boundary=xyz\r\nTransfer-Encoding: chunked\r\n\r\n")
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			sent := make(chan error, 1)
			go func() { sent <- writeChunks(conn, size) }()
			br := bufio.NewReader(conn)
			res, body := readResponse(t, br)
			if err := <-sent; err != nil {
				t.Fatalf("the server closed the connection while the body was sent: %v", err)
			}
			runtime.ReadMemStats(&after)
			if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, c.message) {
				t.Fatalf("want 413 with %q, got %d\n%.1000s", c.message, res.StatusCode, body)
			}
			t.Logf("allocated %d KiB", (after.TotalAlloc-before.TotalAlloc)>>10)
			if grew := after.TotalAlloc - before.TotalAlloc; grew > size/4 {
				t.Fatalf("the server allocated %d MiB for a %d MiB body it refused", grew>>20, size>>20)
			}
			if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: portal.test\r\n\r\n"); err != nil {
				t.Fatal(err)
			}
			if res, body := readResponse(t, br); res.StatusCode != http.StatusOK {
				t.Fatalf("the next request on the connection: %d %s", res.StatusCode, body)
			}
		})
	}
}

// A body whose announced length is over the upload limit is refused before it is read, and one over
// twice the limit is not even drained: the connection closes after the answer.
func TestAnnouncedOversizeBodyIsRefused(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_MAX_ATTACHMENT_MB": "1", "HROMADA_MAX_ATTACHMENTS": "1"})
	conn := rawRequest(t, strings.TrimPrefix(s.URL, "http://"), "POST /appeals HTTP/1.1\r\nHost: portal.test\r\n"+
		"Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 104857600\r\n\r\n")
	go func() { _, _ = conn.Write(make([]byte, 1<<20)) }()
	res, body := readResponse(t, bufio.NewReader(conn))
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "завеликий обсяг даних") || !res.Close {
		t.Fatalf("want 413 and the connection closed, got %d close=%v\n%.500s", res.StatusCode, res.Close, body)
	}
}

// Browsers never compress what they send; a compressed body could inflate past every limit.
func TestCompressedBodyIsRefused(t *testing.T) {
	s := apptest.Start(t, nil)
	req, err := http.NewRequest(http.MethodPost, s.Path("/auth/logout"), strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := apptest.Do(t, apptest.Browser(t), req); r.Status != http.StatusUnsupportedMediaType {
		t.Fatalf("want 415, got %d", r.Status)
	}
}

// One address may have only so many requests in progress; the next gets 429 with a message, other
// addresses are served meanwhile, and the address is served again once its requests end.
func TestConcurrentRequestsPerAddressAreLimited(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_LIMIT_CONCURRENT_IP": "2"})
	addr := strings.TrimPrefix(s.URL, "http://")
	// Two requests whose bodies have begun and not ended: the server waits for the rest.
	var slow []net.Conn
	for range 2 {
		conn := rawRequest(t, addr, "POST /auth/logout HTTP/1.1\r\nHost: portal.test\r\n"+
			"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n3\r\na=b\r\n")
		slow = append(slow, conn)
	}
	for deadline := time.Now().Add(10 * time.Second); s.App.Web.RequestsInProgress("127.0.0.1") < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the slow requests are not in progress: %d", s.App.Web.RequestsInProgress("127.0.0.1"))
		}
	}
	c := apptest.Browser(t)
	r := apptest.Get(t, c, s.Path("/"))
	if r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, "забагато запитів одночасно") || r.Header.Get("Retry-After") == "" {
		t.Fatalf("a third request at once: want 429 with a message and Retry-After, got %d\n%.500s", r.Status, r.Body)
	}
	// Another address is not affected (the whole 127.0.0.0/8 is this machine).
	other := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{
		LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}).DialContext}, Timeout: 10 * time.Second}
	if res, err := other.Get(s.Path("/")); err != nil {
		t.Logf("no second loopback address here: %v", err)
	} else {
		_ = res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("another address: %d", res.StatusCode)
		}
	}
	for _, conn := range slow {
		if _, err := io.WriteString(conn, "0\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		if res, _ := readResponse(t, bufio.NewReader(conn)); res.StatusCode != http.StatusForbidden {
			t.Fatalf("the slow request (no CSRF token): want 403, got %d", res.StatusCode)
		}
	}
	if r := apptest.Get(t, c, s.Path("/")); r.Status != http.StatusOK {
		t.Fatalf("after the requests ended: %d", r.Status)
	}
}

// A refused request's unread body never reaches the parser as a request of its own.
func TestRefusedBodyIsNotReadAsTheNextRequest(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_MAX_FORM_KB": "1"})
	smuggled := "GET /smuggled HTTP/1.1\r\nHost: portal.test\r\n\r\n"
	body := strings.Repeat("x", 8<<10) + smuggled
	conn := rawRequest(t, strings.TrimPrefix(s.URL, "http://"), fmt.Sprintf("POST /auth/logout HTTP/1.1\r\nHost: portal.test\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", len(body), body))
	br := bufio.NewReader(conn)
	if res, _ := readResponse(t, br); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("want 413, got %d", res.StatusCode)
	}
	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	if res, err := http.ReadResponse(br, nil); err == nil {
		t.Fatalf("the body was answered as a request: %d", res.StatusCode)
	}
}

// One person may have only a couple of large uploads in progress at once: each holds a temporary file of
// up to the upload limit, and an account must not hold dozens. A third gets 429 with a message.
func TestLargeUploadsInProgressPerPersonAreLimited(t *testing.T) {
	s := apptest.Start(t, map[string]string{"HROMADA_MAX_FORM_KB": "1"}) // any form with a file is "large"
	c := apptest.Browser(t)
	s.SignIn(t, c, "dev-citizen-olena")
	page := apptest.Get(t, c, s.Path("/appeals/new"))
	csrf := apptest.CSRF(t, page.Body)
	var cookies []string
	for _, ck := range c.Jar.Cookies(mustURL(t, s.URL)) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	var personID int64
	if err := s.App.DB.Raw("SELECT id FROM persons WHERE email = ?", "olena.shevchenko@mail.example").Scan(&personID).Error; err != nil {
		t.Fatal(err)
	}
	// Two uploads whose bodies have begun (over the form limit) and not ended.
	addr := strings.TrimPrefix(s.URL, "http://")
	first := "--b\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + csrf + "\r\n--b\r\nContent-Disposition: form-data; " +
		"name=\"attachments\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n" + strings.Repeat("7", 2048)
	var slow []net.Conn
	for range 2 {
		slow = append(slow, rawRequest(t, addr, "POST /appeals HTTP/1.1\r\nHost: "+addr+"\r\nCookie: "+strings.Join(cookies, "; ")+
			"\r\nOrigin: "+s.URL+"\r\nContent-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n"+
			fmt.Sprintf("%x\r\n%s\r\n", len(first), first)))
	}
	for deadline := time.Now().Add(10 * time.Second); s.App.Web.UploadsInProgress(personID) < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the slow uploads are not in progress: %d", s.App.Web.UploadsInProgress(personID))
		}
	}
	r := apptest.PostMultipart(t, c, s.Path("/appeals"), url.Values{"_csrf": {csrf}},
		apptest.File{Field: "attachments", Name: "b.pdf", Data: []byte("%PDF-1.4\n" + strings.Repeat("7", 2048))})
	if r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, "кілька форм з файлами") || r.Header.Get("Retry-After") == "" {
		t.Fatalf("a third upload at once: want 429 with a message, got %d\n%.500s", r.Status, r.Body)
	}
	for _, conn := range slow {
		if _, err := io.WriteString(conn, "4\r\n\r\n--\r\n0\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		if res, _ := readResponse(t, bufio.NewReader(conn)); res.StatusCode >= 500 {
			t.Fatalf("a slow upload: %d", res.StatusCode)
		}
	}
	if n := s.App.Web.UploadsInProgress(personID); n != 0 {
		t.Errorf("%d uploads still counted after they ended", n)
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Package mailtest runs a real SMTP server (github.com/emersion/go-smtp) inside a test, keeps what
// arrives, and can be stopped and started again on the same port to play an outage.
package mailtest

import (
	"errors"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Received is one delivered message.
type Received struct {
	From    string
	To      []string
	Raw     string
	Subject string
	Header  mail.Header
}

// Server is an SMTP server on 127.0.0.1.
type Server struct {
	Addr string

	mu      sync.Mutex
	msgs    []Received
	delay   time.Duration // before answering the end of a message's data
	arrived int           // messages whose data has arrived, answered or not
	srv     *smtp.Server
	ln      net.Listener
	closed  chan struct{}
}

// Start runs a server on a free port until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	s.serve(ln)
	t.Cleanup(func() { s.Stop() })
	return s
}

// URL is the address for HROMADA_SMTP_URL.
func (s *Server) URL() string { return "smtp://" + s.Addr + "?tls=none" }

func (s *Server) serve(ln net.Listener) {
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.AllowInsecureAuth = true
	s.mu.Lock()
	s.srv, s.ln = srv, ln
	s.closed = make(chan struct{})
	closed := s.closed
	s.mu.Unlock()
	go func() {
		_ = srv.Serve(ln)
		close(closed)
	}()
}

// Stop closes the server: connections are refused until Restart.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, ln, closed := s.srv, s.ln, s.closed
	s.srv = nil
	s.mu.Unlock()
	if srv == nil {
		return
	}
	_ = srv.Close()
	_ = ln.Close() // Serve may not have registered the listener with the server yet
	<-closed
}

// Restart listens again on the same address.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ { // the port may linger for a moment after Stop
		if ln, err = net.Listen("tcp", s.Addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	s.serve(ln)
}

// SetDelay makes the server slow: it takes d to answer the end of each message's data, as a server
// that scans what it receives does. The message counts as delivered once the answer is due, even if the
// client has hung up in the meantime (a real server has queued it by then).
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// WaitForData waits until the data of n messages has arrived, answered or still waiting for the
// answer (see SetDelay), or fails the test after timeout.
func (s *Server) WaitForData(t testing.TB, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s.mu.Lock()
		got := s.arrived
		s.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for the data of %d e-mails, got %d", timeout, n, got)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Messages returns what has arrived so far.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// WaitFor waits until n messages have arrived, or fails the test after timeout.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := s.Messages()
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %d e-mails, got %d", timeout, n, len(msgs))
		}
		time.Sleep(25 * time.Millisecond)
	}
}

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}
func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		return errors.New("unreadable message")
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		subject = msg.Header.Get("Subject")
	}
	x.s.mu.Lock()
	x.s.arrived++
	delay := x.s.delay
	x.s.mu.Unlock()
	time.Sleep(delay)
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, Received{From: x.from, To: x.to, Raw: string(raw), Subject: subject, Header: msg.Header})
	x.s.mu.Unlock()
	return nil
}

package notify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	mail "github.com/wneessen/go-mail"
)

// Email is one rendered message.
type Email struct {
	To        string
	Subject   string
	Text      string
	HTML      string
	MessageID string // stable per outbox row, so a resend after a crash is recognisably the same message
	// Unsubscribe is the one-click address for optional notices ("" for notices the law requires).
	Unsubscribe string
	Attachments []Attachment
}

// Mailer delivers e-mail.
type Mailer interface {
	Send(ctx context.Context, e Email) error
}

// smtpStepTimeout bounds each stretch of an SMTP conversation. go-mail sets it on the connection four
// times: for the dial, for the greeting, for EHLO/STARTTLS/AUTH, and for sending the message and QUIT;
// it uses the context only to dial, so once connected a conversation is never cut off halfway by a
// cancelled job (which could leave the message delivered but recorded as failed, and sent again).
const smtpStepTimeout = 10 * time.Second

// SMTPSendLimit is the longest one SMTP conversation can last: the job timeout, the rescue of stuck
// jobs and the soft stop are all set beyond it (see DefaultJobTimeout).
const SMTPSendLimit = 4 * smtpStepTimeout

// SMTPMailer sends through an SMTP server with github.com/wneessen/go-mail.
type SMTPMailer struct {
	client *mail.Client
	from   string
}

// NewSMTPMailer reads an address like smtp://user:pass@host:587?tls=starttls (tls: starttls, tls,
// opportunistic or none).
func NewSMTPMailer(rawURL, from string) (*SMTPMailer, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "smtp" || u.Hostname() == "" {
		return nil, fmt.Errorf("SMTP address must look like smtp://user:password@host:587?tls=starttls")
	}
	port := 587
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP port %q: %w", p, err)
		}
	}
	opts := []mail.Option{mail.WithPort(port), mail.WithTimeout(smtpStepTimeout)}
	switch strings.ToLower(u.Query().Get("tls")) {
	case "", "starttls":
		opts = append(opts, mail.WithTLSPortPolicy(mail.TLSMandatory))
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "opportunistic":
		opts = append(opts, mail.WithTLSPortPolicy(mail.TLSOpportunistic))
	case "none":
		opts = append(opts, mail.WithTLSPortPolicy(mail.NoTLS))
	default:
		return nil, fmt.Errorf("SMTP tls=%q: use starttls, tls, opportunistic or none", u.Query().Get("tls"))
	}
	if user := u.User.Username(); user != "" {
		pass, _ := u.User.Password()
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(user), mail.WithPassword(pass))
	}
	c, err := mail.NewClient(u.Hostname(), opts...)
	if err != nil {
		return nil, err
	}
	return &SMTPMailer{client: c, from: from}, nil
}

// Send delivers one message over a new connection.
func (m *SMTPMailer) Send(ctx context.Context, e Email) error {
	msg := mail.NewMsg()
	if err := msg.From(m.from); err != nil {
		return fmt.Errorf("from address: %w", err)
	}
	if err := msg.To(e.To); err != nil {
		return fmt.Errorf("recipient address: %w", err)
	}
	msg.Subject(e.Subject)
	msg.SetDate()
	if e.MessageID != "" {
		msg.SetMessageIDWithValue(e.MessageID)
	} else {
		msg.SetMessageID()
	}
	if e.Unsubscribe != "" {
		msg.SetGenHeader("List-Unsubscribe", "<"+e.Unsubscribe+">")
	}
	msg.SetBodyString(mail.TypeTextPlain, e.Text)
	if e.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, e.HTML)
	}
	for _, f := range e.Attachments {
		if err := msg.AttachReader(f.Name, bytes.NewReader(f.Data), mail.WithFileContentType(mail.ContentType(f.ContentType))); err != nil {
			return fmt.Errorf("attach %s: %w", f.ContentType, err)
		}
	}
	return m.client.DialAndSendWithContext(ctx, msg)
}

// ConsoleMailer writes messages to a writer instead of sending them: development only.
type ConsoleMailer struct {
	mu sync.Mutex
	w  io.Writer
}

// NewConsoleMailer writes to w.
func NewConsoleMailer(w io.Writer) *ConsoleMailer { return &ConsoleMailer{w: w} }

// Send prints the plain-text part.
func (m *ConsoleMailer) Send(_ context.Context, e Email) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	files := ""
	for _, f := range e.Attachments {
		files += fmt.Sprintf("Attachment: %s (%s, %d bytes)\n", f.Name, f.ContentType, len(f.Data))
	}
	_, err := fmt.Fprintf(m.w, "----- e-mail (console mailer) -----\nTo: %s\nSubject: %s\nMessage-ID: %s\n%s\n%s\n-----------------------------------\n",
		e.To, e.Subject, e.MessageID, files, e.Text)
	return err
}

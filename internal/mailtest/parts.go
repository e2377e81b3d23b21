package mailtest

import (
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// File is a file a message carries.
type File struct {
	Name, ContentType string
	Data              []byte
}

// Files returns the message's attachments, decoded, in their order.
func (r Received) Files() []File {
	msg, err := mail.ReadMessage(strings.NewReader(r.Raw))
	if err != nil {
		return nil
	}
	var out []File
	collectFiles(msg.Header.Get("Content-Type"), msg.Body, &out)
	return out
}

func collectFiles(contentType string, body io.Reader, out *[]File) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return
		}
		ct := p.Header.Get("Content-Type")
		if sub, _, _ := mime.ParseMediaType(ct); strings.HasPrefix(sub, "multipart/") {
			collectFiles(ct, p, out)
			continue
		}
		if p.FileName() == "" {
			continue
		}
		var r io.Reader = p
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
			r = base64.NewDecoder(base64.StdEncoding, p)
		}
		data, err := io.ReadAll(r)
		if err != nil {
			return
		}
		sub, _, _ := mime.ParseMediaType(ct)
		*out = append(*out, File{Name: p.FileName(), ContentType: sub, Data: data})
	}
}

// Part returns the decoded body part with the media type ("text/plain", "text/html"), or "".
func (r Received) Part(mediaType string) string {
	msg, err := mail.ReadMessage(strings.NewReader(r.Raw))
	if err != nil {
		return ""
	}
	return findPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, mediaType)
}

func findPart(contentType, encoding string, body io.Reader, want string) string {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				return ""
			}
			if s := findPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, want); s != "" {
				return s
			}
		}
	}
	if mt != want {
		return ""
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return ""
	}
	return string(b)
}

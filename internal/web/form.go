package web

import (
	"io"
	"mime/multipart"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/attachment"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
)

// FormWithFiles reads a posted form, multipart or not: its values, and the uploads of fileField.
// Browsers send an empty part for an untouched file input; those are dropped.
func FormWithFiles(c *fiber.Ctx, fileField string) (url.Values, []attachment.Upload, error) {
	values := url.Values{}
	var uploads []attachment.Upload
	if !strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEMultipartForm) {
		c.Request().PostArgs().VisitAll(func(k, v []byte) { values.Add(string(k), string(v)) })
		return values, nil, nil
	}
	mf, err := c.MultipartForm()
	if err != nil {
		return nil, nil, errs.New(errs.Invalid, "error.bad_request")
	}
	for _, fh := range mf.File[fileField] {
		if fh.Size > 0 || fh.Filename != "" {
			uploads = append(uploads, Upload(fh))
		}
	}
	return mf.Value, uploads, nil
}

// ReadForm returns a reader over the posted form's values (url-encoded or multipart, without its files):
// every value a handler takes from it is checked once (form.Reader).
func ReadForm(c *fiber.Ctx) (*form.Reader, error) {
	values, _, err := FormWithFiles(c, "")
	if err != nil {
		return nil, err
	}
	return form.New(values), nil
}

// ReadQuery returns a reader over the query string.
func ReadQuery(c *fiber.Ctx) *form.Reader { return form.New(Query(c)) }

// ParamID is the route parameter name as a row's id; anything else is "not found" (an address that names
// no row).
func ParamID(c *fiber.Ctx, name string) (int64, error) {
	n, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, errs.New(errs.NotFound, "error.not_found")
	}
	return n, nil
}

// Query returns the request's query string as values, bytes as they came: handlers read them through a
// form.Reader, which checks each value once.
func Query(c *fiber.Ctx) url.Values {
	v := url.Values{}
	c.Request().URI().QueryArgs().VisitAll(func(k, val []byte) { v.Add(string(k), string(val)) })
	return v
}

// Upload turns a posted file into an attachment upload.
func Upload(fh *multipart.FileHeader) attachment.Upload {
	return attachment.Upload{Name: fh.Filename, Size: fh.Size, Open: func() (io.ReadCloser, error) { return fh.Open() }}
}

// OptionalUpload returns the single file posted as field, or nil when none was chosen.
func OptionalUpload(c *fiber.Ctx, field string) *attachment.Upload {
	fh, err := c.FormFile(field)
	if err != nil || fh.Size == 0 {
		return nil
	}
	up := Upload(fh)
	return &up
}

// SendDownload sends a stored file as a download under its own name, never inline: a file is only as
// safe as its sniffed type, and a download cannot run in our origin. Caching is the caller's (no-store
// unless it says otherwise).
func SendDownload(c *fiber.Ctx, name, contentType string, size int64, r io.Reader) error {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+url.PathEscape(name))
	return c.SendStream(r, int(size))
}

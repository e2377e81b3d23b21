package web

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/ratelimit"
)

// retryAfterOutage is what a page tells the browser to wait while the database is unreachable.
const retryAfterOutage = "30"

// statusOf maps a domain error code to its HTTP status.
var statusOf = map[errs.Code]int{
	errs.Invalid:   fiber.StatusBadRequest,
	errs.NotFound:  fiber.StatusNotFound,
	errs.Forbidden: fiber.StatusForbidden,
	errs.Conflict:  fiber.StatusConflict,
	errs.Internal:  fiber.StatusInternalServerError,
	// A machine client without valid credentials; people sign in through the provider instead.
	errs.Unauthenticated: fiber.StatusUnauthorized,
}

// messageOfStatus is the i18n id of the page shown for a status when the error brings none.
var messageOfStatus = map[int]string{
	fiber.StatusBadRequest:            "error.bad_request",
	fiber.StatusForbidden:             "error.forbidden",
	fiber.StatusNotFound:              "error.not_found",
	fiber.StatusMethodNotAllowed:      "error.not_found",
	fiber.StatusConflict:              "error.conflict",
	fiber.StatusRequestEntityTooLarge: "error.too_large",
	fiber.StatusTooManyRequests:       "error.too_many",
	fiber.StatusServiceUnavailable:    "error.unavailable",
}

// handleError is the one place where errors become responses: a domain code or a Fiber error gives the
// status, the message id gives the text, and internal errors are logged with the request id and shown
// without detail. A database that cannot be reached (db.Unavailable) is a 503 that says to try again
// later, with Retry-After, not a 500: nothing is wrong with the request.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status, message := s.describe(c, err)
	c.Status(status)
	c.Set(fiber.HeaderCacheControl, "no-store")
	if area, ok := s.machineAreaOf(c.Path()); ok {
		// Refused before the area's own middleware ran (a body over the limit, too many requests in
		// progress): still in the area's format, in the language the client asked for.
		if _, ok := c.Locals(localLang).(string); !ok {
			c.Locals(localLang, machineLang(c))
		}
		return area.Errors(c, Problem{Status: status, Message: message, Err: err})
	}
	l := s.TextsOf(c)
	if strings.HasPrefix(c.Path(), "/api/") || slices.Contains([]string{"/healthz"}, c.Path()) {
		return c.JSON(fiber.Map{"error": l.T(message), "status": status})
	}
	// Errors raised before the visitor was loaded (a body over the limit) still get a page in a language.
	data := s.errorPage(c, l, status, message)
	if err := c.Render("web/error", data); err != nil {
		s.log.Error("rendering the error page", "err", err)
		return c.SendString(l.T(message))
	}
	return nil
}

// describe gives an error's status and the i18n id of its message; internal errors are logged here
// with the request id and described without detail.
func (s *Server) describe(c *fiber.Ctx, err error) (status int, message string) {
	status, message = fiber.StatusInternalServerError, "error.internal"
	var fe *fiber.Error
	var de *errs.Error
	var over *ratelimit.Over
	switch {
	case errors.As(err, &over): // a domain write that counted the limits itself (Server.Counters)
		status, message = fiber.StatusTooManyRequests, "error.too_many"
		retryAfter(c, over)
	case db.Unavailable(err):
		status, message = fiber.StatusServiceUnavailable, "error.unavailable"
		c.Set(fiber.HeaderRetryAfter, retryAfterOutage)
	case errors.As(err, &de):
		status = statusOf[de.Code]
		if de.Message != "" {
			message = de.Message
		}
	case errors.As(err, &fe):
		status = fe.Code
		// Our own fiber errors carry a message id; Fiber's carry English text that we replace.
		if strings.HasPrefix(fe.Message, "error.") || strings.HasPrefix(fe.Message, "auth.") {
			message = fe.Message
		} else if m, ok := messageOfStatus[status]; ok {
			message = m
		}
	}
	if status >= 500 {
		s.log.Error("request failed", "request_id", requestID(c), "path", c.Path(), "err", err)
		message = "error.internal"
	}
	if status == fiber.StatusServiceUnavailable && message == "error.internal" {
		message = "error.unavailable"
	}
	return status, message
}

// pageOfStatus names the error page's heading and advice (error.heading.N, error.next.N) for a status.
func pageOfStatus(status int) string {
	switch status {
	case fiber.StatusBadRequest, fiber.StatusForbidden, fiber.StatusNotFound, fiber.StatusConflict,
		fiber.StatusRequestEntityTooLarge, fiber.StatusTooManyRequests, fiber.StatusServiceUnavailable:
		return strconv.Itoa(status)
	case fiber.StatusMethodNotAllowed:
		return "404"
	}
	if status >= 500 {
		return "500"
	}
	return "400"
}

// errorPage is what the error page says: what happened (the heading, and the message when it says more),
// what to do next, whom to contact (the council's contacts from configuration, with the request's
// number), and for a staff page refused to the role the visitor holds, which roles open it.
func (s *Server) errorPage(c *fiber.Ctx, l *i18n.L, status int, message string) fiber.Map {
	kind := pageOfStatus(status)
	if message == "error.csrf" {
		kind = "csrf" // a stale form, not a page refused to the visitor: its own heading and advice
	}
	heading := l.T("error.heading." + kind)
	data := fiber.Map{"L": l, "Lang": l.Lang(), "Status": status, "Title": heading, "Heading": heading,
		"Next": l.T("error.next." + kind), "RequestID": requestID(c), "Contacts": s.cfg.Contacts,
		"Council": s.cfg.Council.In(l.Lang())}
	// The default words of a 403 and a 404 only repeat the heading; the others add to it (wait, try later).
	repeats := message == messageOfStatus[status] && (kind == "403" || kind == "404")
	if !repeats && kind != "csrf" {
		data["Message"] = l.T(message)
	}
	if roles, ok := c.Locals(localNeedRoles).([]string); ok && status == fiber.StatusForbidden {
		names := make([]string, len(roles))
		for i, r := range roles {
			names[i] = l.T("role." + r)
		}
		data["Roles"] = strings.Join(names, ", ")
	}
	return data
}

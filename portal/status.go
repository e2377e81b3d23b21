package portal

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/web"
)

// maxIndex bounds a registration index as typed on the status form, in characters.
const maxIndex = 40

// statusPage answers, without an account, where an appeal stands: for people who filed by telephone, by
// post or through a hotline and have only the index from their receipt. The registration index and the
// author's surname give the status, the deadline and the answer's date, never the content. An unknown
// index and a surname that does not match get the same answer, and only lookups count against the
// per-address limit (HROMADA_LIMIT_STATUS), so guessing indexes and names is slow and tells nothing.
func (h *handlers) statusPage(c *fiber.Ctx) error {
	l := h.web.TextsOf(c)
	r := web.ReadQuery(c)
	index, surname := r.Line("index", maxIndex), r.Line("surname", 200)
	data := fiber.Map{"Title": l.T("lookup.title"), "Index": index, "Surname": surname, "Errors": map[string]string{}}
	if !r.Has("surname") { // the form, with the index when a receipt's or a confirmation's link names it
		return c.Render("portal/status", data)
	}
	problems := r.Problems()
	if index == "" {
		r.Problem("index", "lookup.error.index")
	}
	if surname == "" {
		r.Problem("surname", "lookup.error.surname")
	}
	if len(problems) > 0 {
		data["Errors"] = problems
		return c.Status(fiber.StatusUnprocessableEntity).Render("portal/status", data)
	}
	wait, err := h.web.OverLimit(c, byIP("status", h.Config.Limits.Status))
	if err != nil {
		return err
	}
	if wait > 0 {
		data["Refused"] = l.Tf("lookup.error.too_many", "Wait", waitText(l, wait))
		return c.Status(fiber.StatusTooManyRequests).Render("portal/status", data)
	}
	st, err := h.Registry.StatusByIndex(c.UserContext(), index, surname)
	if errs.Is(err, errs.NotFound) {
		// The form answered: no such appeal for these two. A page, not a missing one (200), as a found one.
		data["NotFound"] = true
		return c.Render("portal/status", data)
	}
	if err != nil {
		return err
	}
	data["Found"] = st
	return c.Render("portal/status", data)
}

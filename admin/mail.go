package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
)

// failedMail lists e-mail that could not be sent after every retry.
func (h *handlers) failedMail(c *fiber.Ctx) error {
	list, err := h.Notify.FailedMessages(c.UserContext(), 200)
	if err != nil {
		return err
	}
	return c.Render("admin/mail_failed", fiber.Map{
		"Title":    h.web.TextsOf(c).T("admin.mail.title"),
		"Messages": list,
	})
}

func (h *handlers) retryMail(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return errs.New(errs.NotFound, "error.not_found")
	}
	if err := h.Notify.Retry(c.UserContext(), int64(id)); err != nil {
		return err
	}
	h.Log.Info("failed e-mail queued again", "message_id", id, "by_person_id", personID(c))
	if err := h.web.SetFlash(c, "admin.mail.retried"); err != nil {
		return err
	}
	return c.Redirect("/admin/mail", fiber.StatusSeeOther)
}

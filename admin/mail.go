package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/web"
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
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Notify.Retry(c.UserContext(), id); err != nil {
		return err
	}
	h.Log.Info("failed e-mail queued again", "message_id", id, "by_person_id", personID(c))
	return h.web.Done(c, "admin.mail.retried", "/admin/mail")
}

package portal

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/web"
)

// noticeChoices shows the optional notices with on/off switches.
func (h *handlers) noticeChoices(c *fiber.Ctx) error {
	choices, err := h.Notify.Choices(c.UserContext(), web.PersonOf(c).ID)
	if err != nil {
		return err
	}
	return c.Render("portal/notices", fiber.Map{
		"Title":   h.web.TextsOf(c).T("notices.title"),
		"Choices": choices,
	})
}

func (h *handlers) saveNoticeChoices(c *fiber.Ctx) error {
	p := web.PersonOf(c)
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	choices, err := h.Notify.Choices(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	for _, ch := range choices {
		if err := h.Notify.SetChoice(c.UserContext(), p.ID, ch.Kind, r.Line("notice_"+ch.Kind, 10) == "on"); err != nil {
			return err
		}
	}
	return h.web.Done(c, "notices.saved", "/account/notices")
}

// unsubscribeForm is where the link in an e-mail leads: the token alone identifies the person and the
// notice, no sign-in needed. One button confirms, so mail scanners that follow links change nothing.
func (h *handlers) unsubscribeForm(c *fiber.Ctx) error {
	token := web.ReadQuery(c).Line("token", form.MaxLine)
	_, kind, err := h.Notify.ReadUnsubscribeToken(token)
	if err != nil {
		return err
	}
	return c.Render("portal/unsubscribe", fiber.Map{
		"Title": h.web.TextsOf(c).T("notices.unsubscribe.title"),
		"Token": token,
		"Kind":  kind,
	})
}

func (h *handlers) unsubscribe(c *fiber.Ctx) error {
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	kind, err := h.Notify.Unsubscribe(c.UserContext(), r.Line("token", form.MaxLine))
	if err != nil {
		return err
	}
	return c.Render("portal/unsubscribe", fiber.Map{
		"Title": h.web.TextsOf(c).T("notices.unsubscribe.title"),
		"Kind":  kind,
		"Done":  true,
	})
}

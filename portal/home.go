package portal

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/web"
)

// home is the same page for every anonymous reader of a language: it shows no data, so its rendering
// stays current until web.Shared remakes it anyway.
func (h *handlers) home(c *fiber.Ctx) error {
	return h.web.Shared(c, web.Share{Version: "home", Current: always}, func() error {
		web.PublicToAnonymous(c)
		return c.Render("portal/home", fiber.Map{})
	})
}

// switchLanguage remembers the language and returns to the page the person was on.
func (h *handlers) switchLanguage(c *fiber.Ctx) error {
	if err := h.web.SetLanguage(c, c.Params("code")); err != nil {
		return err
	}
	return c.Redirect(web.SafeNext(c.Query("next")), fiber.StatusSeeOther)
}

func always() bool { return true }

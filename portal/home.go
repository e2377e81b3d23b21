package portal

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/web"
)

// homePetitions is how many petitions of each kind the home page shows.
const homePetitions = 3

func (h *handlers) home(c *fiber.Ctx) error {
	petitions, err := h.Petitions.Highlights(c.UserContext(), homePetitions)
	if err != nil {
		return err
	}
	web.PublicToAnonymous(c)
	return c.Render("portal/home", fiber.Map{"Highlights": petitions, "Contacts": h.Config.Contacts,
		"Subjects": h.Classifier.Subjects})
}

// switchLanguage remembers the language and returns to the page the person was on.
func (h *handlers) switchLanguage(c *fiber.Ctx) error {
	if err := h.web.SetLanguage(c, c.Params("code")); err != nil {
		return err
	}
	return c.Redirect(web.SafeNext(c.Query("next")), fiber.StatusSeeOther)
}

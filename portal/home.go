package portal

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/web"
)

// homePetitions is how many petitions of each kind the home page shows.
const homePetitions = 3

// home shows the petitions of the moment (popular, ending soon, recently answered), how to file and the
// council's contacts; anonymous readers share a rendering for a list's window, as the petitions list does.
func (h *handlers) home(c *fiber.Ctx) error {
	return h.web.Shared(c, web.Share{Fresh: listWindow}, func() error {
		petitions, err := h.Petitions.Highlights(c.UserContext(), homePetitions)
		if err != nil {
			return err
		}
		web.PublicToAnonymous(c)
		return c.Render("portal/home", fiber.Map{"Highlights": petitions, "Contacts": h.Config.Contacts,
			"Subjects": h.Classifier.Subjects})
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

package admin

import (
	"encoding/csv"
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/web"
)

// maxProblemsShown bounds the table of a refused file: a file with the wrong separator or encoding can
// have a problem on every one of 100,000 lines, and a page that size helps nobody. The command prints all.
const maxProblemsShown = 500

// importForm shows the upload form with the columns described; after an import it says what was added.
func (h *handlers) importForm(c *fiber.Ctx) error {
	data := fiber.Map{}
	r := web.ReadQuery(c)
	if added, ok := r.Int("added", 0, 1<<40); ok {
		skipped, _ := r.Int("skipped", 0, 1<<40)
		data["Done"] = h.web.TextsOf(c).Tf("import.done", "Added", added, "Skipped", skipped)
	}
	return h.renderImport(c, data)
}

func (h *handlers) renderImport(c *fiber.Ctx, data fiber.Map) error {
	data["Title"] = h.web.TextsOf(c).T("import.title")
	if _, ok := data["Errors"]; !ok {
		data["Errors"] = map[string]string{}
	}
	data["Columns"] = registry.ImportColumns
	if err := h.intakeData(c, data); err != nil {
		return err
	}
	return c.Render("admin/import", data)
}

// importAppeals imports an uploaded registry (XLSX or CSV). Success redirects to the form with the counts (the
// counts are all the page shows, so they travel in the address); a refused file comes back with every
// problem in a table. Posting the same file twice is harmless: the second time adds nothing.
func (h *handlers) importAppeals(c *fiber.Ctx) error {
	_, files, err := web.FormWithFiles(c, "file")
	if err != nil {
		return err
	}
	if len(files) == 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderImport(c, fiber.Map{"Errors": map[string]string{"file": "import.no_file"}})
	}
	up := files[0]
	f, err := up.Open()
	if err != nil {
		return fmt.Errorf("open uploaded import file: %w", err)
	}
	defer f.Close()
	depts, err := h.Departments.IDsByName(c.UserContext())
	if err != nil {
		return err
	}
	res, err := h.Registry.ImportAppeals(c.UserContext(), f, registry.ImportOptions{FileName: up.Name, Departments: depts})
	var refused *registry.ImportError
	if errors.As(err, &refused) {
		l := h.web.TextsOf(c)
		rows := make([]registry.ImportProblemRow, 0, min(len(refused.Problems), maxProblemsShown))
		for _, p := range refused.Problems[:min(len(refused.Problems), maxProblemsShown)] {
			rows = append(rows, p.Describe(l))
		}
		h.Log.Info("import refused", "problems", len(refused.Problems), "by_person_id", personID(c))
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderImport(c, fiber.Map{"Problems": rows, "ProblemCount": len(refused.Problems),
			"Truncated": len(refused.Problems) > len(rows), "FileName": up.Name})
	}
	if err != nil {
		return err
	}
	h.Log.Info("appeals imported", "rows", res.Rows, "added", res.Added, "skipped", res.Skipped,
		"by_person_id", personID(c))
	return c.Redirect(fmt.Sprintf("/admin/import?added=%d&skipped=%d", res.Added, res.Skipped), fiber.StatusSeeOther)
}

// importTemplate sends an empty import file: the header row, with a byte order mark so that Excel reads
// it as UTF-8 (without one it assumes the Windows code page and garbles Cyrillic).
func (h *handlers) importTemplate(c *fiber.Ctx) error {
	var b strings.Builder
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	if err := w.Write(registry.ImportColumns); err != nil {
		return err
	}
	w.Flush()
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="hromada-appeals-template.csv"`)
	return c.SendString(b.String())
}

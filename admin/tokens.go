package admin

import (
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/apitoken"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/source"
	"github.com/hromada/hromada/internal/web"
)

// tokenForm is what the form to issue a token holds, kept when it is refused.
type tokenForm struct {
	Name, Source, Expires string
	Scopes                []string
}

// Has says whether a scope is ticked, for the checkboxes.
func (f tokenForm) Has(scope string) bool { return slices.Contains(f.Scopes, scope) }

// tokenRow is a token as the list shows it: never the token, only its first characters.
type tokenRow struct {
	apitoken.Token
	SourceName string
	ScopeList  []string
	Expired    bool
}

// tokens lists the machine API's tokens with a form to issue one (admin).
func (h *handlers) tokens(c *fiber.Ctx) error {
	return h.renderTokens(c, tokenForm{Scopes: []string{apitoken.ScopeAppealsRead, apitoken.ScopeAppealsWrite}}, nil)
}

func (h *handlers) renderTokens(c *fiber.Ctx, f tokenForm, problems map[string]string) error {
	ctx := c.UserContext()
	list, err := h.Tokens.List(ctx)
	if err != nil {
		return err
	}
	sources, err := h.Sources.List(ctx, false)
	if err != nil {
		return err
	}
	l := h.web.TextsOf(c)
	names := map[int64]string{}
	for _, s := range sources {
		names[s.ID] = s.Name(l.Lang())
	}
	now := time.Now()
	rows := make([]tokenRow, 0, len(list))
	for _, t := range list {
		rows = append(rows, tokenRow{Token: t, SourceName: names[t.SourceID], ScopeList: splitScopes(t.Scopes),
			Expired: t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)})
	}
	return c.Render("admin/tokens", fiber.Map{
		"Title":   l.T("admin.tokens.title"),
		"Tokens":  rows,
		"Sources": activeSources(sources),
		"Scopes":  apitoken.Scopes,
		"Form":    f,
		"Errors":  problems,
	})
}

func splitScopes(s string) []string { return slices.Sorted(slices.Values(strings.Fields(s))) }

func activeSources(all []source.Source) []source.Source {
	var out []source.Source
	for _, s := range all {
		if s.Active {
			out = append(out, s)
		}
	}
	return out
}

// createToken issues a token and shows it on the page that answers the form — the only time it is
// seen: the database keeps only its keyed hash.
func (h *handlers) createToken(c *fiber.Ctx) error {
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	f := tokenForm{Name: r.Line("name", form.MaxLine), Source: r.Line("source", 40),
		Scopes: r.Codes("scopes", form.In(apitoken.Scopes...)), Expires: r.Line("expires", 40)}
	expiry := r.Date("expires")
	var src *source.Source
	if f.Source != "" {
		if src, err = h.Sources.ByCode(ctx, f.Source); errs.Is(err, errs.NotFound) || err == nil && !src.Active {
			r.Problem("source", "appeal.error.choose")
		} else if err != nil {
			return err
		}
	} else {
		r.Problem("source", "appeal.error.choose")
	}
	if len(f.Scopes) == 0 {
		r.Problem("scopes", "token.error.scopes")
	}
	if problems := r.Problems(); len(problems) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderTokens(c, f, problems)
	}
	by := personID(c)
	plain, t, err := h.Tokens.Create(ctx, f.Name, src.ID, f.Scopes, h.endOfDay(expiry), &by)
	if invalid := errs.As(err, errs.Invalid); invalid != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderTokens(c, f, invalid.Fields)
	}
	if err != nil {
		return err
	}
	h.Log.Info("api token issued", "token_id", t.ID, "source_id", src.ID, "by_person_id", by)
	l := h.web.TextsOf(c)
	return c.Render("admin/token_created", fiber.Map{
		"Title":      l.T("admin.tokens.created_title"),
		"Plain":      plain,
		"Token":      t,
		"SourceName": src.Name(l.Lang()),
		"ScopeList":  splitScopes(t.Scopes),
	})
}

// endOfDay makes the last day a token may be used its expiry: the start of the next day in the
// council's zone; no date, no expiry.
func (h *handlers) endOfDay(d time.Time) *time.Time {
	if d.IsZero() {
		return nil
	}
	loc := h.Timezone
	if loc == nil {
		loc = time.UTC
	}
	end := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc).UTC()
	return &end
}

// revokeToken ends a token at once.
func (h *handlers) revokeToken(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Tokens.Revoke(c.UserContext(), id); err != nil {
		return err
	}
	h.Log.Info("api token revoked", "token_id", id, "by_person_id", personID(c))
	return h.web.Done(c, "admin.tokens.revoked", "/admin/tokens")
}

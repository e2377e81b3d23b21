package devidp

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

//go:embed picker.html
var pagesHTML string

func parsePages() (*template.Template, error) {
	t, err := template.New("pages").Parse(pagesHTML)
	if err != nil {
		return nil, fmt.Errorf("devidp: parse picker template: %w", err)
	}
	return t, nil
}

// noteLabel and authTypeLabel translate the values the built-in identities use; anything else
// is shown as it is.
func noteLabel(note string) string {
	switch note {
	case "citizen":
		return "мешканець громади"
	case "staff: registrar":
		return "працівник ради: реєстратор"
	case "staff: executor":
		return "працівник ради: виконавець"
	case "staff: head":
		return "працівник ради: керівник"
	case "staff: admin":
		return "працівник ради: адміністратор"
	}
	return note
}

func authTypeLabel(authType string) string {
	switch authType {
	case "diia":
		return "Дія"
	case "bank_id":
		return "BankID НБУ"
	case "dig_sign":
		return "кваліфікований електронний підпис"
	}
	return authType
}

type pickerIdentity struct {
	Subject, FullName, TaxID string
	Note, NoteLabel          string
	AuthType, AuthLabel      string
}

type pickerPage struct {
	ClientID, AuthRequestID, Action string
	Identities                      []pickerIdentity
}

func (p *Provider) showPicker(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("authRequestID")
	req, err := p.store.AuthRequestByID(r.Context(), id)
	if err != nil || req.Done() {
		p.renderError(w, http.StatusBadRequest, "Запит на вхід не знайдено, він уже використаний або застарів.")
		return
	}
	page := pickerPage{ClientID: req.GetClientID(), AuthRequestID: id, Action: pathLogin}
	for _, ident := range p.identities {
		page.Identities = append(page.Identities, pickerIdentity{
			Subject: ident.Subject, FullName: ident.FullName(), TaxID: ident.TaxID,
			Note: ident.Note, NoteLabel: noteLabel(ident.Note),
			AuthType: ident.AuthType, AuthLabel: authTypeLabel(ident.AuthType),
		})
	}
	p.render(w, http.StatusOK, "picker", page)
}

// pick completes the auth request with the chosen identity and hands it back to op, whose
// callback endpoint issues the code and redirects to the client. Cancel answers access_denied.
func (p *Provider) pick(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		p.renderError(w, http.StatusBadRequest, "Некоректний запит.")
		return
	}
	id := r.PostForm.Get("authRequestID")
	if r.PostForm.Has("cancel") {
		req, err := p.store.removeAuthRequest(id)
		if err != nil {
			p.renderError(w, http.StatusBadRequest, "Запит на вхід не знайдено, він уже використаний або застарів.")
			return
		}
		// AuthRequestError redirects the error to the client's (already validated) redirect URI.
		op.AuthRequestError(w, r, req, oidc.ErrAccessDenied().WithDescription("the user cancelled the sign-in"), p.op)
		return
	}
	if err := p.store.completeAuthRequest(id, r.PostForm.Get("sub")); err != nil {
		slog.InfoContext(r.Context(), "devidp: picker refused", "err", err)
		p.renderError(w, http.StatusBadRequest, "Запит на вхід не знайдено, він уже використаний або застарів.")
		return
	}
	// 303 so the browser follows with GET: op's callback only reads the id from the query.
	http.Redirect(w, r, p.authCallbackURL(r.Context(), id), http.StatusSeeOther)
}

func (p *Provider) showLoggedOut(w http.ResponseWriter, _ *http.Request) {
	p.render(w, http.StatusOK, "logged-out", nil)
}

func (p *Provider) renderError(w http.ResponseWriter, status int, msg string) {
	p.render(w, status, "error", msg)
}

// render executes into a buffer first so a template failure still yields a clean 500.
func (p *Provider) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := p.pages.ExecuteTemplate(&buf, name, data); err != nil {
		slog.Error("devidp: render page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer") // the picker URL carries the authRequestID
	// No script at all; frame-ancestors stops another site from framing the picker and
	// clickjacking a sign-in. form-action is left open: browsers apply it to the redirect chain
	// that ends at the client's redirect URI.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	if _, err := buf.WriteTo(w); err != nil {
		slog.Debug("devidp: write page", "page", name, "err", err)
	}
}

package devidp

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// endSession stands in for op's end_session handler for one reason: op parses id_token_hint into
// oidc.IDTokenClaims, whose "address" is the OIDC address object, so the Diia-style string
// address in our own ID tokens makes every hint "invalid". The hint is still verified by op's
// IDTokenHintVerifier (issuer, signature, expiry) and the redirect URI by op's validator; only the
// claims type differs. Otherwise it follows op.EndSession, except that a post_logout_redirect_uri
// without a way to name the client is refused instead of silently ignored.
func (p *Provider) endSession(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		op.RequestError(w, r, oidc.ErrInvalidRequest().WithDescription("error parsing form").WithParent(err), nil)
		return
	}
	ctx := r.Context()
	clientID, userID := r.Form.Get("client_id"), ""
	if hint := r.Form.Get("id_token_hint"); hint != "" {
		claims, err := op.VerifyIDTokenHint[*oidc.TokenClaims](ctx, hint, p.op.IDTokenHintVerifier(ctx))
		// An expired hint still names the session to end, as in op.
		if err != nil && !errors.As(err, &op.IDTokenHintExpiredError{}) {
			op.RequestError(w, r, oidc.ErrInvalidRequest().WithDescription("id_token_hint invalid").WithParent(err), nil)
			return
		}
		if clientID != "" && clientID != claims.AuthorizedParty {
			op.RequestError(w, r, oidc.ErrInvalidRequest().WithDescription("client_id does not match azp of id_token_hint"), nil)
			return
		}
		clientID, userID = claims.AuthorizedParty, claims.Subject
	}

	redirect := pathLoggedOut
	postLogout := r.Form.Get("post_logout_redirect_uri")
	switch {
	case clientID != "":
		c, err := p.store.GetClientByClientID(ctx, clientID)
		if err != nil {
			op.RequestError(w, r, oidc.ErrInvalidRequest().WithDescription("unknown client_id"), nil)
			return
		}
		if postLogout != "" {
			if err := op.ValidateEndSessionPostLogoutRedirectURI(postLogout, c); err != nil {
				op.RequestError(w, r, err, nil)
				return
			}
			redirect = postLogout
		}
	case postLogout != "":
		op.RequestError(w, r, oidc.ErrInvalidRequest().WithDescription("post_logout_redirect_uri needs id_token_hint or client_id"), nil)
		return
	}
	if state := r.Form.Get("state"); state != "" {
		u, err := url.Parse(redirect)
		if err != nil {
			op.RequestError(w, r, oidc.ErrServerError().WithParent(err), nil)
			return
		}
		q := u.Query()
		q.Set("state", state)
		u.RawQuery = q.Encode()
		redirect = u.String()
	}
	if err := p.store.TerminateSession(ctx, userID, clientID); err != nil {
		op.RequestError(w, r, oidc.ErrServerError().WithParent(err), nil)
		return
	}
	http.Redirect(w, r, redirect, http.StatusFound)
}

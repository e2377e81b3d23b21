package portal

import (
	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/web"
)

// signIn sends the browser to the identity provider with a fresh state, nonce and PKCE challenge,
// kept in the server-side session.
func (h *handlers) signIn(c *fiber.Ctx) error {
	ar, err := h.RP.StartSignIn(c.UserContext())
	if err != nil {
		h.Log.Error("identity provider unavailable", "err", err)
		return fiber.NewError(fiber.StatusServiceUnavailable, "auth.error.provider")
	}
	err = h.web.BeginAuth(c, web.PendingAuth{State: ar.State, Nonce: ar.Nonce, Verifier: ar.Verifier,
		Next: web.SafeNext(c.Query("next"))})
	if err != nil {
		return err
	}
	return c.Redirect(ar.URL, fiber.StatusSeeOther)
}

// signInCallback finishes the flow. The pending request is taken out of the session first, so a
// replayed callback URL finds nothing and is refused.
func (h *handlers) signInCallback(c *fiber.Ctx) error {
	pending, err := h.web.TakeAuth(c)
	if err != nil {
		return err
	}
	if c.Query("error") != "" {
		return errs.New(errs.Invalid, "auth.error.denied")
	}
	if !identity.EqualState(c.Query("state"), pending.State) {
		return errs.New(errs.Invalid, "auth.error.state")
	}
	claims, err := h.RP.FinishSignIn(c.UserContext(), c.Query("code"),
		identity.AuthRequest{Nonce: pending.Nonce, Verifier: pending.Verifier})
	if err != nil {
		if errs.Is(err, errs.Internal) {
			h.Log.Error("sign-in failed", "err", err)
			return fiber.NewError(fiber.StatusServiceUnavailable, "auth.error.provider")
		}
		return err
	}
	person, err := h.People.SignIn(c.UserContext(), claims)
	if err != nil {
		return err
	}
	if err := h.web.SignIn(c, person.ID); err != nil {
		return err
	}
	h.Log.Info("signed in", "person_id", person.ID, "auth_type", person.AuthType)
	if len(claims.IgnoredRoles) > 0 { // codes the provider sends that are no Hromada role: worth a look
		h.Log.Warn("roles claim: unknown codes ignored", "person_id", person.ID, "codes", claims.IgnoredRoles)
	}
	return c.Redirect(web.SafeNext(pending.Next), fiber.StatusSeeOther)
}

// signOutEverywhere ends every session of the person on every device, then the provider's here, as
// signOut does.
func (h *handlers) signOutEverywhere(c *fiber.Ctx) error {
	if err := h.web.SignOutEverywhere(c); err != nil {
		return err
	}
	if u := h.RP.EndSessionURL(c.UserContext()); u != "" {
		return c.Redirect(u, fiber.StatusSeeOther)
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}

// signOut ends our session, then the provider's where it offers that.
func (h *handlers) signOut(c *fiber.Ctx) error {
	if err := h.web.SignOut(c); err != nil {
		return err
	}
	if u := h.RP.EndSessionURL(c.UserContext()); u != "" {
		return c.Redirect(u, fiber.StatusSeeOther)
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}

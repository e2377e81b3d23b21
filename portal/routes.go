// Package portal is the public site: sign-in, the citizen's e-appeals and "My appeals". The whole route
// table is here; handlers live in one file per resource.
package portal

import (
	"embed"
	"io/fs"
	"log/slog"

	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/notify"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/web"
)

//go:embed views/*.html
var views embed.FS

// Views are the portal's templates, named "portal/<file>".
func Views() fs.FS {
	sub, err := fs.Sub(views, "views")
	if err != nil {
		panic(err) // embedded at build time
	}
	return sub
}

// Deps is what the portal's handlers use.
type Deps struct {
	Config     *config.Config
	Log        *slog.Logger
	RP         *identity.RelyingParty
	People     *identity.Service
	Registry   *registry.Service
	Classifier *classifier.Classifier
	Notify     *notify.Service
}

type handlers struct {
	Deps
	web *web.Server
}

// Register adds the portal's routes to the app.
func Register(s *web.Server, d Deps) {
	h := &handlers{Deps: d, web: s}
	app := s.App

	app.Get("/", h.home)
	app.Get("/lang/:code", h.switchLanguage)

	app.Get("/auth/login", h.signIn)
	app.Get("/auth/callback", h.signInCallback)
	app.Post("/auth/logout", h.signOut)

	appeals := app.Group("/appeals", web.RequireSignIn)
	appeals.Get("/", h.myAppeals)
	appeals.Get("/new", h.newAppeal)
	appeals.Post("/", h.createAppeal)
	appeals.Get("/:id<int>", h.showAppeal)
	appeals.Get("/:id<int>/attachments/:file<int>", h.appealAttachment)

	account := app.Group("/account", web.RequireSignIn)
	account.Get("/notices", h.noticeChoices)
	account.Post("/notices", h.saveNoticeChoices)

	app.Get("/notices/unsubscribe", h.unsubscribeForm)
	app.Post("/notices/unsubscribe", h.unsubscribe)
}

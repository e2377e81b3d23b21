// Package portal is the public site: sign-in, the citizen's e-appeals and "My appeals". The whole route
// table is here; handlers live in one file per resource.
package portal

import (
	"embed"
	"net/url"
	"strconv"

	"io/fs"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/notify"
	"github.com/hromada/hromada/internal/petition"
	"github.com/hromada/hromada/internal/reception"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/settlement"
	"github.com/hromada/hromada/internal/web"
)

//go:embed views/*.html
var views embed.FS

// Views are the portal's templates, named "portal/<file>".
func Views() fs.FS { return web.ViewsOf(views) }

// Deps is what the portal's handlers use.
type Deps struct {
	Config     *config.Config
	Log        *slog.Logger
	RP         *identity.RelyingParty
	People     *identity.Service
	Registry   *registry.Service
	Classifier *classifier.Classifier
	Notify     *notify.Service
	Petitions  *petition.Service
	// Reception is personal reception's schedule and bookings; Settlements names visiting receptions' places.
	Reception   *reception.Service
	Settlements *settlement.Service
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

	// Starting a sign-in writes a session row (state, nonce, verifier): limited per address like every
	// other write a visitor can repeat.
	app.Get("/auth/login", s.RateLimit(byIP("login", d.Config.Limits.LoginIP)), h.signIn)
	app.Get("/auth/callback", h.signInCallback)
	app.Post("/auth/logout", h.signOut)

	appeals := app.Group("/appeals", web.RequireSignIn)
	appeals.Get("/", h.myAppeals)
	appeals.Get("/new", h.newAppeal)
	appeals.Post("/", web.AcceptUploads, h.createAppeal) // forms with files: see web/bodies.go
	appeals.Get("/:id<int>", h.showAppeal)
	appeals.Get("/:id<int>/attachments/:file<int>", h.appealAttachment)

	app.Get("/petitions", h.petitions)
	app.Get("/petitions.csv", h.petitionsCSV)
	app.Get("/petitions/new", web.RequireSignIn, h.newPetition)
	app.Post("/petitions", web.AcceptUploads, web.RequireSignIn, s.RateLimit(byAccount("create", d.Config.Limits.Create),
		byIP("create", d.Config.Limits.CreateIP)), h.createPetition)
	app.Get("/petitions/:id<int>", h.showPetition)
	app.Get("/petitions/:id<int>/files/:which<regex(^(petition|answer)$)>", h.petitionFile)
	// Both limits are counted in one database round trip; the address, which many people may share, last.
	app.Post("/petitions/:id<int>/sign", web.RequireSignIn, s.RateLimit(byAccount("sign", d.Config.Limits.Sign),
		byIP("sign", d.Config.Limits.SignIP)), h.signPetition)
	app.Get("/api/v1/petitions", h.apiPetitions)
	app.Get("/api/v1/petitions/:id<int>", h.apiPetition)
	h.receptionRoutes(s) // personal reception: reception.go

	account := app.Group("/account", web.RequireSignIn)
	account.Get("/petitions", h.myPetitions)
	account.Get("/notices", h.noticeChoices)
	account.Post("/notices", h.saveNoticeChoices)
	account.Post("/sessions/end", h.signOutEverywhere) // the button is on the notices page

	app.Get("/notices/unsubscribe", web.KeepSession, h.unsubscribeForm)
	app.Post("/notices/unsubscribe", h.unsubscribe)
}

func byAccount(action string, l config.Limit) web.Limit {
	return web.Limit{N: l.N, Window: l.Window, Key: func(c *fiber.Ctx) string {
		return action + ":person:" + strconv.FormatInt(web.PersonOf(c).ID, 10)
	}}
}

func byIP(action string, l config.Limit) web.Limit {
	return web.Limit{N: l.N, Window: l.Window, Key: func(c *fiber.Ctx) string { return action + ":ip:" + c.IP() }}
}

func urlEscape(s string) string { return url.QueryEscape(s) }

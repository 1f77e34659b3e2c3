package web

import (
	"net/http"
	"strings"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/casework"
)

// The relatives' register page (近亲属备案): the register of the caller's
// jurisdiction and a form to register a close relative of a staff member.
// It calls the same casework.Service methods as the API in case.go.

func init() {
	for k, v := range relativesMessages {
		messages[k] = v
	}
}

// relativesMessages are the register page's words, merged into messages.
var relativesMessages = map[string][2]string{
	"nav.relatives":    {"近亲属备案", "Staff relatives"},
	"rel.title":        {"近亲属备案", "Register of staff relatives"},
	"rel.hint":         {"县级民政工作人员、乡镇经办人员和村（居）委会成员的近亲属申请时，将单独登记备案，并须经县级入户核查后方可确认。", "Applications from close relatives of county civil-affairs staff, township case workers and village committee members are registered separately and need a county home visit before confirmation."},
	"rel.staffName":    {"工作人员姓名", "Staff name"},
	"rel.staffID":      {"工作人员编号或身份证号码", "Staff number or resident ID"},
	"rel.staffRole":    {"工作人员类别", "Staff role"},
	"rel.relative":     {"亲属", "Relative"},
	"rel.relativeID":   {"亲属居民身份证号码", "Relative's resident ID"},
	"rel.relation":     {"亲属关系（亲属是工作人员的）", "Relation (the relative is the staff member's)"},
	"rel.relationCol":  {"关系", "Relation"},
	"rel.county":       {"县（市、区）代码（留空为本县）", "County code (blank: your own county)"},
	"rel.countyCol":    {"县（市、区）", "County"},
	"rel.registeredBy": {"登记人", "Registered by"},
	"rel.registeredAt": {"登记时间", "Registered at"},
	"rel.new":          {"登记备案", "Register a relative"},
	"rel.submit":       {"登记", "Register"},
	"rel.none":         {"尚无备案记录。", "No relatives registered."},
	"rel.unknown":      {"（未登记在家庭档案中）", "(not in the household register)"},
	"rel.done":         {"已登记备案。", "Registered."},
}

// relativeStaffRoles are the staff roles offered on the form.
var relativeStaffRoles = []casework.StaffRole{casework.StaffCountyCivilAffairs, casework.StaffTownshipCaseworker, casework.StaffVillageCommittee}

// relativeRelations are the eight close relations.
var relativeRelations = []casework.Relation{casework.RelSpouse, casework.RelParent, casework.RelChild, casework.RelSibling,
	casework.RelGrandparent, casework.RelMaternalGrandparent, casework.RelGrandchild, casework.RelMaternalGrandchild}

func (s *Server) relativesUIRoutes() {
	s.mux.HandleFunc("GET /staff-relatives", s.ui(s.relativesPage))
	s.mux.HandleFunc("POST /staff-relatives", s.ui(s.relativeSubmit))
}

// relativeForm is the register form as the user filled it.
type relativeForm struct {
	County, StaffID, StaffName, StaffRole, RelativeID, Relation string
}

type relativeRow struct {
	StaffName, StaffID, StaffRole, Relative, RelativeID, Relation, County, CreatedBy, CreatedAt string
}

func (s *Server) relativesPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	flash := ""
	if r.URL.Query().Get("done") == "1" {
		flash = translate(langOf(r), "rel.done")
	}
	s.renderRelatives(w, r, p, relativeForm{}, http.StatusOK, flash, nil)
}

func (s *Server) relativeSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := r.ParseForm(); err != nil {
		s.uiError(w, r, apperr.Field("body", "表单无法解析", "cannot read the form"))
		return
	}
	f := r.PostForm
	in := relativeForm{County: strings.TrimSpace(f.Get("county")), StaffID: strings.TrimSpace(f.Get("staff_id")),
		StaffName: strings.TrimSpace(f.Get("staff_name")), StaffRole: f.Get("staff_role"),
		RelativeID: strings.TrimSpace(f.Get("relative_id")), Relation: f.Get("relation")}
	_, err := s.Casework.RegisterRelative(r.Context(), p, in.County, casework.StaffRelative{StaffID: in.StaffID,
		StaffName: in.StaffName, StaffRole: casework.StaffRole(in.StaffRole), RelativeID: in.RelativeID,
		Relation: casework.Relation(in.Relation)})
	if err != nil {
		if k := apperr.KindOf(err); k == apperr.Unauthorized || k == apperr.Internal {
			s.uiError(w, r, err)
			return
		}
		s.renderRelatives(w, r, p, in, s.status(r, err), "", err)
		return
	}
	http.Redirect(w, r, "/staff-relatives?done=1", http.StatusSeeOther)
}

// renderRelatives renders the register with the form f; failure, when
// not nil, is the error of a refused registration.
func (s *Server) renderRelatives(w http.ResponseWriter, r *http.Request, p access.Principal, f relativeForm, code int, flash string, failure error) {
	lang := langOf(r)
	es, err := s.Casework.Relatives(r.Context(), p)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	tree := s.Divisions.Tree()
	rows := []relativeRow{}
	for _, e := range es {
		row := relativeRow{StaffName: e.StaffName, StaffID: e.StaffID, StaffRole: pick(lang, e.StaffRole.Zh(), e.StaffRole.En()),
			RelativeID: maskedID(e.RelativeID), Relation: pick(lang, e.Relation.Zh(), e.Relation.En()),
			County: tree.Path(e.County), CreatedBy: e.CreatedBy, CreatedAt: fmtTime(e.CreatedAt)}
		// The name is shown only when the caller may look the person up
		// by the full ID (the service masks it otherwise).
		if !strings.Contains(e.RelativeID, "*") {
			if per, err := s.Registry.Person(r.Context(), p, e.RelativeID); err == nil {
				row.Relative = per.Name
			}
		}
		rows = append(rows, row)
	}
	var roles, relations []option
	for _, x := range relativeStaffRoles {
		roles = append(roles, option{string(x), pick(lang, x.Zh(), x.En()), string(x) == f.StaffRole})
	}
	for _, x := range relativeRelations {
		relations = append(relations, option{string(x), pick(lang, x.Zh(), x.En()), string(x) == f.Relation})
	}
	v := view{Title: translate(lang, "rel.title"), Flash: flash, Data: map[string]any{"Rows": rows, "Form": f,
		"Roles": roles, "Relations": relations, "CanRegister": p.Can(access.SeeFullID)}}
	if failure != nil {
		v.Error, v.Field = apperr.Message(failure, lang), apperr.FieldOf(failure)
	}
	s.render(w, r, code, "relatives", v)
}

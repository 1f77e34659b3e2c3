package casework

import (
	"fmt"
	"slices"
	"strings"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/calendar"
	"safetynet/internal/money"
	"safetynet/internal/policy"
)

// behaviour is what an action checks and does, whatever the flow; the
// flow's table decides where it may be taken and by whom. check returns
// Invalid for bad input and Conflict for a failed guard and must not
// change the case; apply cannot fail.
type behaviour struct {
	check func(*op) error
	apply func(*op)
}

var behaviours map[Action]behaviour

func init() {
	behaviours = map[Action]behaviour{
		// accept (受理): every material of the case's list must be in
		// (in.Materials are added to those handed in before), checked
		// against in.Household; an emergency case is accepted at once and
		// completes its materials with the paperwork.
		ActionAccept: {check: checkAccept, apply: func(o *op) {
			o.c.AcceptedAt = o.at
			o.c.Materials = dedupKeys(o.c.Materials, o.in.Materials)
		}},
		// decline (不予受理), withdraw: in.Reason is required.
		ActionDecline:  {check: needReason},
		ActionWithdraw: {check: needReason},

		ActionStartInvestigation: {},
		// record_visit: in.Visit with a date (default: the day), at least
		// two named investigators, the findings, and the signatures flag.
		ActionRecordVisit: {check: func(o *op) error { return checkVisit(o, "visit") }, apply: func(o *op) {
			o.c.Investigations = append(o.c.Investigations, o.visit())
		}},
		// county_visit: the same, for the county's own home visit
		// (relatives' cases, spot-check sample, complaints).
		ActionCountyVisit: {check: func(o *op) error { return checkVisit(o, "visit") }, apply: func(o *op) {
			o.c.CountyVisits = append(o.c.CountyVisits, o.visit())
		}},
		// request_verification: needs a signed home visit recorded since
		// the (latest) investigation began.
		ActionRequestVerify: {check: func(o *op) error {
			since := o.c.entered(StatusInvestigating)
			for _, v := range o.c.Investigations {
				if v.Seq > since && v.Signed {
					return nil
				}
			}
			return conflict("尚未录入经签字确认的入户调查记录（至少2名调查人员），不能提请信息核对",
				"no signed home-visit record (at least two investigators) yet; cannot request verification")
		}},
		// record_verification: in.Verification.Result is meets, not_meets
		// or manual.
		ActionRecordVerification: {check: checkVerification, apply: func(o *op) {
			v := *o.in.Verification
			v.Seq, v.Date = o.seq, o.dateOr(v.Date)
			o.c.Verifications = append(o.c.Verifications, v)
		}},
		// reinvestigate: in.Reason is required.
		ActionReinvestigate: {check: needReason},
		// assess_self_care: in.SelfCare.Failed marks the activities the
		// person cannot do; the tier follows from the count.
		ActionAssessSelfCare: {check: checkSelfCare, apply: func(o *op) {
			a := *o.in.SelfCare
			a.Seq, a.Date = o.seq, o.dateOr(a.Date)
			a.Count = 0
			for _, f := range a.Failed {
				if f {
					a.Count++
				}
			}
			a.Tier = policy.CareTier(a.Count)
			a.Assessors = slices.Clone(a.Assessors)
			o.c.SelfCare = &a
		}},
		// review (初审): in.Opinion; in.Amount (the proposal, required for
		// temporary assistance) and in.Tier. Needs a verification result,
		// for 特困 the self-care assessment, and after an appraisal its
		// record.
		ActionReview: {check: checkReview, apply: func(o *op) {
			o.c.Reviews = append(o.c.Reviews, Review{Seq: o.seq, Date: o.day, Opinion: strings.TrimSpace(o.in.Opinion),
				Amount: o.in.Amount, Tier: o.in.Tier})
		}},
		// start_notice: in.NoticeStart (default: the day); the end follows
		// from the policy (NoticeEnd).
		ActionStartNotice: {check: checkNoticeStart, apply: func(o *op) { o.addNotice(NoticeTownship) }},
		// start_county_notice (2012): the county publishes its proposed
		// approval; it needs what a confirmation needs besides the notice.
		ActionStartCountyNotice: {check: func(o *op) error {
			if err := checkNoticeStart(o); err != nil {
				return err
			}
			return o.decisionGuards("公示拟批准", "publish the proposed approval")
		}, apply: func(o *op) { o.addNotice(NoticeCounty) }},
		// record_objection: in.Objection.Content (and optionally From).
		ActionRecordObjection: {check: checkObjection, apply: func(o *op) {
			x := *o.in.Objection
			x.Seq, x.Date = o.seq, o.dateOr(x.Date)
			x.Content = strings.TrimSpace(x.Content)
			n := &o.c.Notices[len(o.c.Notices)-1]
			n.Objections = append(n.Objections, x)
		}},
		// appraise: from a notice only when it drew objections; in the
		// 2012 flow also straight after verification (mandatory).
		ActionAppraise: {check: checkAppraise},
		// record_appraisal: in.Appraisal with participants, village
		// representatives (≥ 2/3) and the summary.
		ActionRecordAppraisal: {check: checkAppraisal, apply: func(o *op) {
			x := *o.in.Appraisal
			x.Seq, x.Date = o.seq, o.dateOr(x.Date)
			o.c.Appraisals = append(o.c.Appraisals, x)
		}},
		// report (报县级): the notice has ended without objections; not
		// for delegated cases; for temporary assistance only above the
		// township limit.
		ActionReport: {check: checkReport},
		// sample: the case was drawn for the county's home-visit check.
		ActionSample: {check: func(o *op) error {
			if o.c.Sampled {
				return conflict("该案件已列入县级入户抽查", "the case is already in the county's spot-check sample")
			}
			return nil
		}, apply: func(o *op) { o.c.Sampled = true }},
		// recheck (2012): the county notice drew objections; in.Reason.
		ActionRecheck: {check: func(o *op) error {
			if err := needReason(o); err != nil {
				return err
			}
			if n, ok := o.c.Notice(); !ok || len(n.Objections) == 0 {
				return conflict("县级公示期间无异议，无需重新核查", "the county notice drew no objections; nothing to re-check")
			}
			return nil
		}},
		// confirm: see checkConfirm.
		ActionConfirm: {check: checkConfirm, apply: applyConfirm},
		// refuse: in.Reason (the written reasons) is required; from a notice
		// only once it has ended without objections.
		ActionRefuse: {check: checkRefuse, apply: func(o *op) {
			o.c.Decision = &Decision{Seq: o.seq, Approved: false, Date: o.day, At: o.at, Level: o.level(),
				Amount: 0, Reasons: strings.TrimSpace(o.in.Reason)}
		}},
		ActionPublish: {},
		// notify: the written refusal reached the applicant on
		// in.Delivered (default: the day).
		ActionNotify: {check: checkNotify, apply: func(o *op) { o.c.RefusalNotified = o.dateOr(o.in.Delivered) }},
		// extend: the special-case limit (e.g. 45 working days) applies;
		// in.Reason is required; once per case.
		ActionExtend: {check: checkExtend, apply: func(o *op) {
			o.c.Extension = &Extension{Seq: o.seq, Date: o.day, Reason: strings.TrimSpace(o.in.Reason)}
		}},
		// flag_relatives: in.Flags (from FlagRelatives) are added.
		ActionFlagRelatives: {check: checkFlags, apply: func(o *op) {
			for _, f := range o.in.Flags {
				if !slices.ContainsFunc(o.c.Flags, func(g Flag) bool {
					return g.Kind == f.Kind && g.IDNumber == f.IDNumber && g.Staff.StaffID == f.Staff.StaffID && g.Staff.Relation == f.Staff.Relation
				}) {
					o.c.Flags = append(o.c.Flags, f)
				}
			}
		}},
		// pay_first (先行救助): in.Amount > 0, decided at the level its
		// amount requires; in.PaymentRef.
		ActionPayFirst: {check: func(o *op) error { return positiveAmount(o.in.Amount) }, apply: func(o *op) {
			o.c.Decision = &Decision{Seq: o.seq, Approved: true, Date: o.day, At: o.at, Level: o.level(),
				Amount: o.in.Amount, Policy: o.in.Policy, Reasons: strings.TrimSpace(o.in.Reason)}
			o.c.Payment = &Payment{Seq: o.seq, Date: o.day, At: o.at, Amount: o.in.Amount, Ref: o.in.PaymentRef}
		}},
		// complete_paperwork (补办手续): the materials of the emergency
		// list must now be complete (in.Household, in.Materials).
		ActionCompletePaperwork: {check: checkAccept, apply: func(o *op) {
			o.c.Materials = dedupKeys(o.c.Materials, o.in.Materials)
		}},
		// compute: in.Amount ≥ 0 from the medical calculator, in.Policy.
		ActionCompute: {check: func(o *op) error {
			if o.in.Amount < 0 {
				return apperr.Field("amount", "金额不能为负数", "the amount must not be negative")
			}
			return nil
		}, apply: func(o *op) {
			o.c.Computation = &Computation{Seq: o.seq, Date: o.day, Amount: o.in.Amount, Policy: o.in.Policy}
		}},
		// pay: the decided amount is paid; in.PaymentRef.
		ActionPay: {apply: func(o *op) {
			o.c.Payment = &Payment{Seq: o.seq, Date: o.day, At: o.at, Amount: o.c.Decision.Amount, Ref: o.in.PaymentRef}
		}},
		ActionRoute:      {apply: func(o *op) { o.c.RoutedTo = o.c.Programme.Department() }},
		ActionTake:       {},
		ActionReportBack: {},
	}
}

func needReason(o *op) error {
	if strings.TrimSpace(o.in.Reason) == "" {
		return apperr.Field("reason", "请填写原因", "a reason is required")
	}
	return nil
}

// dateOr returns d, or the day of the step when d is zero.
func (o *op) dateOr(d calendar.Date) calendar.Date {
	if d.IsZero() {
		return o.day
	}
	return d
}

// checkDate checks a date entered with a step: not after the step and not
// before acceptance.
func (o *op) checkDate(field string, d calendar.Date) error {
	d = o.dateOr(d)
	if d > o.day {
		return apperr.Field(field, fmt.Sprintf("日期 %s 晚于办理日期 %s", d, o.day), fmt.Sprintf("the date %s is after the day of the step %s", d, o.day))
	}
	if acc := o.c.AcceptedOn(); !acc.IsZero() && d < acc {
		return apperr.Field(field, fmt.Sprintf("日期 %s 早于受理日期 %s", d, acc), fmt.Sprintf("the date %s is before the case was accepted on %s", d, acc))
	}
	return nil
}

func checkAccept(o *op) error {
	c := o.c
	list := Materials(c.Programme, c.Track)
	if c.Flow == FlowTemporaryEmergency && o.a == ActionAccept {
		return nil // 先行救助: materials follow with the paperwork
	}
	h := o.in.Household
	perMember := slices.ContainsFunc(list, func(m Material) bool { return m.Scope != PerHousehold })
	if h == nil && perMember {
		return apperr.Field("household", "请提供申请家庭的成员信息，以核对每位成员的材料", "the household is needed to check each member's materials")
	}
	if h != nil && c.Household.ID != 0 && h.ID != c.Household.ID {
		return apperr.Field("household", "提供的家庭与本案件的申请家庭不一致", "the household given is not the case's household")
	}
	applied := calendar.FromTime(c.SubmittedAt)
	if c.SubmittedAt.IsZero() {
		applied = o.day
	}
	ms := missing(list, h, dedupKeys(c.Materials, o.in.Materials), applied)
	if len(ms) == 0 {
		return nil
	}
	zh, en := MissingNotice(ms)
	if o.a == ActionCompletePaperwork {
		return conflict("补办手续材料不齐全。"+zh, "the paperwork is incomplete. "+en)
	}
	return conflict("材料不齐全，不能受理。"+zh, "cannot accept an incomplete application. "+en)
}

func checkVisit(o *op, field string) error {
	v := o.in.Visit
	if v == nil {
		return apperr.Field(field, "缺少入户调查记录", "the home-visit record is missing")
	}
	if err := o.checkDate(field+".date", v.Date); err != nil {
		return err
	}
	names := map[string]bool{}
	for _, n := range v.Investigators {
		if n = strings.TrimSpace(n); n != "" {
			names[n] = true
		}
	}
	if len(names) < 2 {
		return apperr.Field(field+".investigators", "入户调查须由至少2名工作人员进行，请填写每位调查人员的姓名",
			"a home visit needs at least two named staff")
	}
	if strings.TrimSpace(v.Findings) == "" {
		return apperr.Field(field+".findings", "请填写调查情况", "the findings are required")
	}
	switch v.Method {
	case "", VisitHome, VisitPhone, VisitVideo:
	default:
		return apperr.Field(field+".method", "调查方式须为入户、电话或视频", "the method must be home, phone or video")
	}
	return nil
}

func (o *op) visit() Visit {
	v := *o.in.Visit
	v.Seq, v.Date = o.seq, o.dateOr(v.Date)
	if v.Method == "" {
		v.Method = VisitHome
	}
	var names []string
	for _, n := range v.Investigators {
		if n = strings.TrimSpace(n); n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	v.Investigators = names
	v.Findings = strings.TrimSpace(v.Findings)
	v.Documents = slices.Clone(v.Documents)
	return v
}

func checkVerification(o *op) error {
	v := o.in.Verification
	if v == nil {
		return apperr.Field("verification", "缺少信息核对结果", "the verification result is missing")
	}
	if _, ok := verificationNames[v.Result]; !ok {
		return apperr.Field("verification.result", "核对结果须为符合、不符合或手工核对", "the result must be meets, not_meets or manual")
	}
	return o.checkDate("verification.date", v.Date)
}

func checkSelfCare(o *op) error {
	if o.in.SelfCare == nil {
		return apperr.Field("self_care", "缺少生活自理能力评估结果", "the self-care assessment is missing")
	}
	return o.checkDate("self_care.date", o.in.SelfCare.Date)
}

func checkReview(o *op) error {
	if strings.TrimSpace(o.in.Opinion) == "" {
		return apperr.Field("opinion", "请填写初审意见", "the township opinion is required")
	}
	if o.in.Amount < 0 {
		return apperr.Field("amount", "金额不能为负数", "the amount must not be negative")
	}
	if o.isTemporary() && o.in.Amount <= 0 {
		return apperr.Field("amount", "请填写拟救助金额", "the proposed amount is required")
	}
	if err := checkTier(o); err != nil {
		return err
	}
	if _, ok := o.c.Verification(); !ok {
		return conflict("尚无信息核对结果，不能提出初审意见", "there is no verification result yet; cannot give the township opinion")
	}
	if o.c.Flow == FlowTekun && o.c.SelfCare == nil {
		return conflict("尚未进行生活自理能力评估，不能提出初审意见", "self-care has not been assessed; cannot give the township opinion")
	}
	if o.c.Status == StatusAppraising {
		since := o.c.entered(StatusAppraising)
		if !slices.ContainsFunc(o.c.Appraisals, func(a Appraisal) bool { return a.Seq > since }) {
			return conflict("尚未录入民主评议结果，不能重新提出初审意见", "the appraisal has not been recorded; cannot give a new opinion")
		}
	}
	return nil
}

func checkTier(o *op) error {
	if o.c.Programme != Dibao {
		return nil
	}
	switch o.in.Tier {
	case "", "A", "B", "C":
		return nil
	}
	return apperr.Field("tier", "分档须为 A、B 或 C", "the tier must be A, B or C")
}

func checkNoticeStart(o *op) error {
	if s := o.in.NoticeStart; !s.IsZero() && s < o.day {
		return apperr.Field("notice_start", fmt.Sprintf("公示开始日期 %s 早于今天 %s", s, o.day),
			fmt.Sprintf("the notice cannot start (%s) before today (%s)", s, o.day))
	}
	return nil
}

func (o *op) addNotice(level NoticeLevel) {
	start := o.dateOr(o.in.NoticeStart)
	o.c.Notices = append(o.c.Notices, Notice{Seq: o.seq, Level: level, Start: start, End: NoticeEnd(o.cal, o.proc, start)})
}

func checkObjection(o *op) error {
	x := o.in.Objection
	if x == nil || strings.TrimSpace(x.Content) == "" {
		return apperr.Field("objection.content", "请填写异议内容", "the objection's content is required")
	}
	if len(o.c.Notices) == 0 {
		return conflict("尚未公示，不能登记异议", "there is no notice to object to")
	}
	if d := o.dateOr(x.Date); d > o.day {
		return apperr.Field("objection.date", "异议日期晚于登记日期", "the objection is dated after the day of the step")
	}
	return nil
}

func checkAppraise(o *op) error {
	switch o.c.Status {
	case StatusNoticing, StatusCountyNoticing:
		if n, ok := o.c.Notice(); !ok || len(n.Objections) == 0 {
			return conflict("公示期间无异议，无需民主评议（民发〔2021〕57号第十九条）",
				"the notice drew no objections, so no democratic appraisal is held")
		}
	case StatusVerifying:
		if _, ok := o.c.Verification(); !ok {
			return conflict("尚无信息核对结果，调查尚未完成，不能组织民主评议",
				"there is no verification result: the investigation is not complete")
		}
	}
	return nil
}

func checkAppraisal(o *op) error {
	a := o.in.Appraisal
	if a == nil {
		return apperr.Field("appraisal", "缺少民主评议记录", "the appraisal record is missing")
	}
	if err := o.checkDate("appraisal.date", a.Date); err != nil {
		return err
	}
	if a.Participants < 1 {
		return apperr.Field("appraisal.participants", "请填写参加评议的人数", "the number of participants is required")
	}
	if a.VillageReps < 0 || a.VillageReps > a.Participants || 3*a.VillageReps < 2*a.Participants {
		return apperr.Field("appraisal.village_reps", "参加评议的村（居）民代表不得少于参加人数的三分之二",
			"village representatives must be at least two thirds of the participants")
	}
	if strings.TrimSpace(a.Summary) == "" {
		return apperr.Field("appraisal.summary", "请填写评议意见", "the appraisal's conclusion is required")
	}
	return nil
}

// noticeOver returns Conflict unless the latest notice has ended (the day
// is after its end) without objections; verb says what waits for it.
func (o *op) noticeOver(verbZh, verbEn string) error {
	n, ok := o.c.Notice()
	if !ok {
		return conflict("尚未公示，不能"+verbZh, "there has been no public notice; cannot "+verbEn)
	}
	if o.day <= n.End {
		return conflict(fmt.Sprintf("公示期未满，不能%s（公示期至 %s）", verbZh, n.End),
			fmt.Sprintf("the public notice runs until %s; cannot %s before %s", n.End, verbEn, n.End+1))
	}
	if k := len(n.Objections); k > 0 {
		return conflict(fmt.Sprintf("公示期间收到异议 %d 件，须重新调查或民主评议、重新提出初审意见并重新公示", k),
			fmt.Sprintf("the notice drew %d objection(s): re-investigate or hold an appraisal, give a new opinion and publish it again", k))
	}
	return nil
}

func checkReport(o *op) error {
	if o.c.Delegated {
		return conflict("审核确认已委托乡镇，由乡镇确认，无需报县级", "confirmation is delegated to the township; no report to the county")
	}
	if err := o.noticeOver("报县级", "report to the county"); err != nil {
		return err
	}
	if o.isTemporary() {
		limit, err := o.limit()
		if err != nil {
			return err
		}
		if amt := o.amount(); amt <= limit {
			return conflict(fmt.Sprintf("拟救助金额 %s 元在乡镇审批限额 %s 元以内，由乡镇审批，无需报县级", amt, limit),
				fmt.Sprintf("the proposed amount %s is within the township limit %s; the township approves it", amt, limit))
		}
	}
	return nil
}

// hasVerifying reports whether c's flow verifies household finances.
func (c *Case) hasVerifying() bool {
	switch c.Flow {
	case FlowTemporaryEmergency, FlowMedicalDirect, FlowDepartment:
		return false
	}
	return true
}

// decisionGuards are the checks every approval needs besides the notice:
// a verification result, and the county's home visit of a relatives' case
// or a sampled case.
func (o *op) decisionGuards(verbZh, verbEn string) error {
	c := o.c
	if c.hasVerifying() {
		if _, ok := c.Verification(); !ok {
			return conflict("尚无信息核对结果，不能"+verbZh, "there is no verification result; cannot "+verbEn)
		}
	}
	if len(c.CountyVisits) == 0 {
		if c.Flagged() {
			return conflict("该申请已单独登记备案（工作人员近亲属），须经县级入户核查后才能"+verbZh,
				"the applicant is a registered relative of staff: the county must visit the home before it can "+verbEn)
		}
		if c.Sampled {
			return conflict("该案件已列入县级入户抽查，须录入县级入户核查结果后才能"+verbZh,
				"the case was drawn for the county spot check: record the county's home visit before you "+verbEn)
		}
	}
	return nil
}

// checkConfirm checks a confirmation. Guards first (Conflict): the notice
// has ended without objections (when confirming from the notice), the
// verification result, the county visit of a relatives' or sampled case,
// the 特困 self-care assessment, the medical computation. Then the input
// (Invalid): for dibao and 特困 a positive in.Amount and in.Policy, for 特困
// in.Setting, for temporary assistance a positive amount (in.Amount or the
// township's proposal), a valid dibao tier, and in.Reason when the
// verification found the household ineligible.
func checkConfirm(o *op) error {
	c, in := o.c, o.in
	if c.Status == StatusNoticing || c.Status == StatusCountyNoticing {
		if err := o.noticeOver("确认", "confirm"); err != nil {
			return err
		}
	}
	if err := o.decisionGuards("确认", "confirm"); err != nil {
		return err
	}
	if c.Flow == FlowTekun && c.SelfCare == nil {
		return conflict("尚未进行生活自理能力评估，不能确认", "self-care has not been assessed; cannot confirm")
	}
	if (c.Flow == FlowMedical || c.Flow == FlowMedicalDirect) && c.Computation == nil {
		return conflict("尚未核算医疗救助金额，不能确认", "the assistance has not been computed; cannot confirm")
	}
	if in.Amount < 0 {
		return apperr.Field("amount", "金额不能为负数", "the amount must not be negative")
	}
	switch c.Programme {
	case Dibao, Tekun:
		if err := positiveAmount(in.Amount); err != nil {
			return err
		}
		if in.Policy.Region == "" || in.Policy.Effective == "" {
			return apperr.Field("policy", "请注明计算所依据的政策版本（地区和生效日期）", "name the policy version (region and effective date) the amount was computed with")
		}
	case Temporary:
		if err := positiveAmount(o.amount()); err != nil {
			return err
		}
	}
	if err := checkTier(o); err != nil {
		return err
	}
	if c.Flow == FlowTekun && in.Setting != policy.SettingInstitution && in.Setting != policy.SettingHome {
		return apperr.Field("setting", "请选择供养方式：集中供养或分散供养", "choose the setting: institution or home")
	}
	if v, ok := c.Verification(); ok && v.Result == VerificationNotMeets && c.hasVerifying() && strings.TrimSpace(in.Reason) == "" {
		return apperr.Field("reason", "信息核对结果为不符合条件，确认须写明理由", "the verification found the household ineligible; give the reasons for confirming")
	}
	return nil
}

func applyConfirm(o *op) {
	c, in := o.c, o.in
	d := &Decision{Seq: o.seq, Approved: true, Date: o.day, At: o.at, Level: o.level(), Amount: in.Amount,
		Tier: in.Tier, Setting: in.Setting, Policy: in.Policy, Reasons: strings.TrimSpace(in.Reason)}
	switch c.Flow {
	case FlowTemporaryEmergency, FlowTemporaryExpenditure:
		d.Amount = o.amount()
	case FlowMedical, FlowMedicalDirect:
		if d.Amount == 0 {
			d.Amount = c.Computation.Amount
			if d.Policy == (policy.VersionRef{}) {
				d.Policy = c.Computation.Policy
			}
		}
	}
	if c.Programme == Dibao || c.Programme == Tekun {
		d.BenefitStart = BenefitStart(o.cal, o.day)
	}
	if c.Flow == FlowTekun {
		d.Tier = c.SelfCare.Tier
	}
	c.Decision = d
}

// BenefitStart returns the first benefit month of a dibao or 特困 decision
// taken on decided: the first day of the next month (S-DB2021 Art.21,
// S-TK2021 Art.17).
func BenefitStart(cal *calendar.Calendar, decided calendar.Date) calendar.Date {
	return cal.NextMonthStart(decided)
}

func checkRefuse(o *op) error {
	if o.c.Status == StatusNoticing || o.c.Status == StatusCountyNoticing {
		if err := o.noticeOver("作出决定", "decide"); err != nil {
			return err
		}
	}
	if strings.TrimSpace(o.in.Reason) == "" {
		return apperr.Field("reason", "不予确认须书面说明理由", "a refusal needs written reasons")
	}
	return nil
}

func checkNotify(o *op) error {
	c := o.c
	if !c.RefusalNotified.IsZero() {
		return conflict(fmt.Sprintf("不予确认通知书已于 %s 送达", c.RefusalNotified), fmt.Sprintf("the refusal was delivered on %s", c.RefusalNotified))
	}
	d := o.dateOr(o.in.Delivered)
	if d > o.day {
		return apperr.Field("delivered", "送达日期晚于登记日期", "the delivery date is after the day of the step")
	}
	if c.Decision != nil && d < c.Decision.Date {
		return apperr.Field("delivered", fmt.Sprintf("送达日期早于决定日期 %s", c.Decision.Date), fmt.Sprintf("the delivery date is before the decision of %s", c.Decision.Date))
	}
	return nil
}

func checkExtend(o *op) error {
	if err := needReason(o); err != nil {
		return err
	}
	if o.c.Extension != nil {
		return conflict(fmt.Sprintf("已于 %s 延长办理时限，不能再次延长", o.c.Extension.Date), fmt.Sprintf("the limit was already extended on %s", o.c.Extension.Date))
	}
	if o.proc.Dibao.TotalSpecial <= 0 {
		return conflict("现行政策未规定特殊情况的办理时限，不能延长", "the policy in force sets no special-case limit to extend to")
	}
	return nil
}

func checkFlags(o *op) error {
	if len(o.in.Flags) == 0 {
		return apperr.Field("flags", "请填写近亲属备案信息", "the relatives' flags are missing")
	}
	canon := make([]Flag, len(o.in.Flags))
	for i, f := range o.in.Flags {
		if err := validFlag(&f); err != nil {
			return fieldPrefix(err, fmt.Sprintf("flags[%d]", i))
		}
		canon[i] = f
	}
	o.in.Flags = canon // o.in is Apply's copy; the caller's slice is untouched
	return nil
}

func positiveAmount(m money.Money) error {
	if m <= 0 {
		return apperr.Field("amount", "请填写救助金额（须大于零）", "the amount is required and must be greater than zero")
	}
	return nil
}

// level is the level of the decider taking the step.
func (o *op) level() DecisionLevel {
	role := o.by.Role
	if o.by.IsSystem() {
		if rs, err := o.deciders(); err == nil && len(rs) > 0 {
			role = rs[0]
		}
	}
	switch role {
	case access.TownshipReviewer, access.TownshipClerk:
		return LevelTownship
	case access.DepartmentHandler:
		return LevelDepartment
	}
	return LevelCounty
}

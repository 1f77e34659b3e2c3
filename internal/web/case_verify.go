package web

import (
	"context"
	"fmt"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/casework"
	"safetynet/internal/verify"
)

func init() {
	for k, v := range caseVerifyMessages {
		messages[k] = v
	}
}

// caseVerifyMessages are the case page's words about the centre.
var caseVerifyMessages = map[string][2]string{
	"vf.stepHint": {"提请后将检查家庭成年成员的授权承诺书，并向核对中心提交核对请求；联网数据源即时比对，其余待纸质回函。",
		"Checks that every adult member has signed an authorization and sends the request to the verification centre; connected sources answer at once, the others by paper reply."},
	"vf.caseRequest":        {"核对中心核对请求", "Verification centre request"},
	"vf.caseRequestPending": {"核对结果由核对中心出具报告后自动记录。", "The centre records the result with its report."},
}

// takeStep takes step a of case id (read at version) for the API and the
// case page alike. The two verification steps go through the
// verification centre, so that every case's verification is in the
// centre's queue and its result comes from a report:
//
//   - request_verification is verify.Centre.RequestForCase: the step and
//     the centre's request in one transaction, refused (step not taken)
//     while an adult member has no authorization on file. When every
//     source answers at once the platform records the result too.
//   - record_verification by hand is refused for a case the centre
//     handles: the centre records the result itself when it completes the
//     request, by the platform at once or by the centre's verifier after
//     the paper replies (Centre.Complete, the manual path). A hand-recorded
//     result stays possible only for a case with no centre request at all,
//     one that entered verification before the centre was in use, so such
//     a case is not stuck.
//
// Without a centre (a server built without verification) both steps go to
// casework directly. The request is returned when the step opened one.
func (s *Server) takeStep(ctx context.Context, p access.Principal, id int64, version int, a casework.Action, in casework.StepInput) (casework.View, *verify.Request, error) {
	if s.Verify == nil {
		v, err := s.Casework.Act(ctx, p, id, version, a, in)
		return v, nil, err
	}
	switch a {
	case casework.ActionRequestVerify:
		out, err := s.Verify.RequestForCase(ctx, p, id, version, in.Note)
		if err != nil {
			return casework.View{}, nil, err
		}
		if out.Case == nil {
			v, err := s.Casework.Get(ctx, p, id)
			return v, &out.Request, err
		}
		return *out.Case, &out.Request, nil
	case casework.ActionRecordVerification:
		v, err := s.Casework.Get(ctx, p, id)
		if err != nil {
			return casework.View{}, nil, err
		}
		req, ok, err := s.caseVerifyRequest(ctx, p, v)
		if err != nil {
			return casework.View{}, nil, err
		}
		if ok {
			return casework.View{}, nil, errCentreRecords(req)
		}
	}
	v, err := s.Casework.Act(ctx, p, id, version, a, in)
	return v, nil, err
}

// errCentreRecords refuses a hand-recorded result for a case whose
// verification the centre handles.
func errCentreRecords(r verify.Request) error {
	return apperr.New(apperr.Conflict,
		fmt.Sprintf("该案件的信息核对由核对中心办理（核对请求 #%d），核对结果随核对报告记录，不能手工录入", r.ID),
		fmt.Sprintf("the verification centre handles this case's verification (request #%d): the result is recorded with its report, not by hand", r.ID)).
		WithField("action")
}

// caseVerifyRequest returns the newest centre request of case v; ok is
// false when the case has none (or there is no centre).
func (s *Server) caseVerifyRequest(ctx context.Context, p access.Principal, v casework.View) (verify.Request, bool, error) {
	if s.Verify == nil {
		return verify.Request{}, false, nil
	}
	rs, err := s.Verify.RequestsOf(ctx, p, v.Case.Household.ID)
	if err != nil {
		return verify.Request{}, false, err
	}
	for _, r := range rs { // newest first
		if r.CaseID == v.Case.ID {
			return r, true, nil
		}
	}
	return verify.Request{}, false, nil
}

package web

import (
	"context"

	"safetynet/internal/access"
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

// takeStep takes step a of case id for the API and the case page alike:
// through the verification centre (verify.Centre.TakeStep, which sends the
// verification steps through its queue), or straight to casework on a
// server built without verification.
func (s *Server) takeStep(ctx context.Context, p access.Principal, id int64, version int, a casework.Action, in casework.StepInput) (casework.View, *verify.Request, error) {
	if s.Verify == nil {
		v, err := s.Casework.Act(ctx, p, id, version, a, in)
		return v, nil, err
	}
	return s.Verify.TakeStep(ctx, p, id, version, a, in)
}

// caseVerifyRequest returns the newest centre request of case v; ok is
// false when the case has none (or there is no centre).
func (s *Server) caseVerifyRequest(ctx context.Context, p access.Principal, v casework.View) (verify.Request, bool, error) {
	if s.Verify == nil {
		return verify.Request{}, false, nil
	}
	return s.Verify.CaseRequest(ctx, p, v)
}

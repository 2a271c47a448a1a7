package registry

import "time"

// Kind is the kind of an inspection target. SAMR practice allows targets
// that are not market entities (products, projects, behaviours).
type Kind string

// Target kinds.
const (
	KindEntity     Kind = "entity"     // market entity (市场主体), ID is its 统一社会信用代码
	KindIndividual Kind = "individual" // individual business (个体工商户)
	KindProduct    Kind = "product"    // product (产品)
	KindProject    Kind = "project"    // project (项目)
	KindBehaviour  Kind = "behaviour"  // behaviour (行为)
)

// Status is a target's registration status. Only StatusActive targets are
// eligible for a random draw.
type Status string

// Target statuses.
const (
	StatusActive       Status = "active"       // 存续
	StatusDeregistered Status = "deregistered" // 注销
	StatusRevoked      Status = "revoked"      // 吊销
	StatusMovedOut     Status = "moved_out"    // 迁出
	StatusClosed       Status = "closed"       // 关闭停业
)

// Target is one entry of the target registry (检查对象名录库). The JSON field
// names are the canonical English column names used by CSV import/export.
type Target struct {
	// ID is the target's canonical label: an entity's 18-character
	// 统一社会信用代码 in upper case, or a registry-local ID for other kinds.
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	// Jurisdiction is the 6-digit administrative division code (辖区).
	Jurisdiction string `json:"jurisdiction"`
	// Industry is the industry code (行业).
	Industry string `json:"industry"`
	// CreditClass is the credit-risk class (信用风险分类), "A".."D" by default.
	CreditClass string `json:"credit_class"`
	// Abnormal is true when the entity is on the abnormal-operations list (经营异常名录).
	Abnormal bool `json:"abnormal"`
	// SeriousViolation is true when the entity is on the serious-violation list (严重违法失信名单).
	SeriousViolation bool   `json:"serious_violation"`
	Complaints       int    `json:"complaints"`
	Status           Status `json:"status"`
	// Departments are the supervising departments, in the order given.
	Departments []string `json:"departments"`
}

// Relation is the kind of a declared interest (利害关系) between an
// inspector and a target.
type Relation string

// Declared interest relations.
const (
	RelationKin            Relation = "kin"             // 近亲属
	RelationFormerEmployer Relation = "former_employer" // 曾任职
	RelationShareholding   Relation = "shareholding"    // 持股
	RelationOther          Relation = "other"           // 其他
)

// Interest is an inspector's declared interest in a target; it requires
// recusal (回避, rule R19) from inspecting that target.
type Interest struct {
	TargetID string   `json:"target_id"`
	Relation Relation `json:"relation"`
}

// Period is a half-open interval of time [From, To) during which an
// inspector is unavailable, with the reason (leave, training, secondment...).
type Period struct {
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Reason string    `json:"reason"`
}

// Overlaps reports whether p overlaps the half-open interval [from, to).
func (p Period) Overlaps(from, to time.Time) bool {
	return p.From.Before(to) && from.Before(p.To)
}

// Inspector is one entry of the inspector registry (执法检查人员名录库).
type Inspector struct {
	// Cert is the law-enforcement certificate number (执法证号), the
	// inspector's unique label; R15 draws by it.
	Cert       string `json:"cert"`
	Name       string `json:"name"`
	Department string `json:"department"`
	Unit       string `json:"unit"`
	// Jurisdiction is the 6-digit administrative division code of the
	// inspector's home region (R7 cross-region draws use it).
	Jurisdiction string `json:"jurisdiction"`
	// Qualifications are the professional fields or item codes the
	// inspector may check.
	Qualifications []string `json:"qualifications"`
	// LeaderEligible is true when the inspector may lead a group (组长).
	LeaderEligible bool       `json:"leader_eligible"`
	Unavailable    []Period   `json:"unavailable"`
	Interests      []Interest `json:"interests"`
	// Active is false once the inspector has been deactivated (certificate
	// withdrawn, left the service).
	Active bool `json:"active"`
}

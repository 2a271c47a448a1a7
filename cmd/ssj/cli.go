package main

// The command framework: every command of ssj is a noun with verbs
// ("ssj registry validate") or a top-level verb ("ssj verify"), declared
// as data in an init function and turned into a cobra command tree per
// invocation. See docs/cli/ for the generated reference and the package
// comment of main.go for the exit-status contract.
//
// Adding a verb:
//
//	func init() {
//		registerNoun(noun{Name: "task", Short: "...", Verbs: []verb{{
//			Use: "show ID", Short: "...", Example: "  ssj task show T-1 --json",
//			Setup: taskShow,
//		}}})
//	}
//
//	func taskShow(e *env, fs *pflag.FlagSet) func(args []string) int {
//		asJSON := jsonFlag(fs)
//		store := fs.String("store", "", "the office store `DSN`")
//		required(fs, "store")
//		return func(args []string) int {
//			if len(args) != 1 { return usageError(e, "task show: want one ID") }
//			... // call the library; exitOK, exitProblem (1) or exitUsage (2)
//		}
//	}

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// verb is one runnable command: "ssj NOUN VERB" or a top-level "ssj VERB".
type verb struct {
	// Use is the verb's name followed by its argument synopsis, e.g.
	// "validate FILE" or "diff OLD NEW".
	Use string
	// Aliases are other names of the verb (old names kept for one release).
	Aliases []string
	// Short is the one-line summary shown in the noun's verb list.
	Short string
	// Long is the full description shown by --help (Short when empty).
	Long string
	// Example shows at least one complete invocation, indented by two spaces.
	Example string
	// Setup defines the verb's flags on fs and returns the function that
	// runs the verb once the flags are parsed. args are the positional
	// arguments; the returned int is the exit status (exitOK, exitProblem,
	// exitUsage). Setup runs on every invocation, so captured flag values
	// are never shared between runs.
	Setup func(e *env, fs *pflag.FlagSet) func(args []string) int
}

// noun is a group of verbs, e.g. "registry".
type noun struct {
	Name  string
	Short string
	Long  string
	Verbs []verb
}

var (
	nouns    []noun // registered by registerNoun, in registration order
	topVerbs []verb // registered by registerCommand
)

// registerNoun adds a noun and its verbs to the CLI. Call it from init.
func registerNoun(n noun) { nouns = append(nouns, n) }

// registerCommand adds a top-level verb ("ssj verify") to the CLI. Call it
// from init.
func registerCommand(v verb) { topVerbs = append(topVerbs, v) }

// exitStatus is the error a command returns to end with a non-zero status
// after it has printed its own message.
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// required marks flags as required in their help text ("(required)"). The
// verb still checks them itself, so that its message can say what else is
// needed; this keeps the help text true.
func required(fs *pflag.FlagSet, names ...string) {
	for _, n := range names {
		f := fs.Lookup(n)
		if f == nil {
			panic("ssj: required: no flag --" + n)
		}
		f.Usage += " (required)"
	}
}

// jsonFlag defines the shared --json flag.
func jsonFlag(fs *pflag.FlagSet) *bool {
	return fs.Bool("json", false, "machine-readable output (JSON)")
}

const rootLong = `ssj is the auditor's and operator's tool for 双随机、一公开 supervision:
registries (两库), the checklist (一单), the annual plan, the verifiable
draw, publication of results, objections and the tamper-evident trail.

Commands are "ssj <noun> <verb> [flags] [args]"; flags may come anywhere.
Human output by default, --json for machines.

Exit status: 0 ok, 1 the input was read and a check found a problem (a
bad header or row, a repeated ID, a plan field out of range, a rule
broken, a record or trail that does not verify, a date in a year without
calendar data: load it with --calendar FILE), whichever command reads
the input, 2 bad usage, or an input that cannot be read as the expected
format at all (missing, a directory, empty, binary, truncated JSON).`

// newRoot builds the command tree for one invocation with streams e.
func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:           "ssj <noun> <verb>",
		Short:         "双随机、一公开: verifiable random inspection draws, and the steps around them",
		Long:          rootLong,
		SilenceErrors: true,
		SilenceUsage:  true,
		// ssj alone is a usage error: it prints the usage on stderr.
		RunE: func(c *cobra.Command, args []string) error {
			fmt.Fprint(e.stderr, c.UsageString())
			return exitStatus(exitUsage)
		},
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: false},
	}
	root.PersistentFlags().BoolVarP(&e.quiet, "quiet", "q", false, "no progress bars on stderr")
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetUsageTemplate(usageTemplate(root.UsageTemplate()))
	root.SetFlagErrorFunc(flagError)
	for _, v := range topVerbs {
		root.AddCommand(verbCommand(e, v))
	}
	for _, n := range nouns {
		nc := &cobra.Command{
			Use:   n.Name + " <verb>",
			Short: n.Short,
			Long:  n.Long,
			Args:  cobra.ArbitraryArgs,
			// Unknown flags after an unknown verb: report the verb.
			FParseErrWhitelist: cobra.FParseErrWhitelist{UnknownFlags: true},
			RunE: func(c *cobra.Command, args []string) error {
				if len(args) == 0 {
					fmt.Fprint(e.stderr, c.UsageString())
					return exitStatus(exitUsage)
				}
				return exitStatus(usageError(e, "%s: unknown verb %q (run ssj %s --help)", n.Name, args[0], n.Name))
			},
		}
		if nc.Long == "" {
			nc.Long = n.Short
		}
		for _, v := range n.Verbs {
			nc.AddCommand(verbCommand(e, v))
		}
		root.AddCommand(nc)
	}
	return root
}

// usageTemplate adapts cobra's usage template: "usage: ssj noun verb ...".
func usageTemplate(t string) string {
	const head = "Usage:{{if .Runnable}}\n  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}\n  {{.CommandPath}} [command]{{end}}"
	if !strings.HasPrefix(t, head) {
		return t
	}
	return "usage: {{.UseLine}}" + t[len(head):]
}

func verbCommand(e *env, v verb) *cobra.Command {
	c := &cobra.Command{
		Use:     v.Use,
		Aliases: v.Aliases,
		Short:   v.Short,
		Long:    v.Long,
		Example: v.Example,
		Args:    cobra.ArbitraryArgs,
	}
	if c.Long == "" {
		c.Long = v.Short
	}
	body := v.Setup(e, c.Flags())
	c.RunE = func(c *cobra.Command, args []string) error {
		// "ssj trail verify help" asks for help, not for a file named help.
		if len(args) == 1 && args[0] == "help" {
			return c.Help()
		}
		if code := body(args); code != exitOK {
			return exitStatus(code)
		}
		return nil
	}
	return c
}

// flagError rewrites pflag's messages in ssj's style and names the value a
// flag wants, e.g. "--targets needs a FILE".
func flagError(c *cobra.Command, err error) error {
	msg := err.Error()
	if m := reNeedsArg.FindStringSubmatch(msg); m != nil && m[1] != "" {
		name := m[1]
		want := "value"
		if f := c.Flags().Lookup(name); f != nil {
			if vn, _ := pflag.UnquoteUsage(f); vn != "" {
				want = vn
			}
		}
		return fmt.Errorf("--%s needs a %s", name, want)
	}
	if m := reUnknownShort.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("unknown flag %q", m[1])
	}
	if m := reUnknownFlag.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("unknown flag %q", m[1])
	}
	return err
}

var (
	reNeedsArg     = regexp.MustCompile(`^flag needs an argument: (?:'.' in -.*|--(\S+))$`)
	reUnknownFlag  = regexp.MustCompile(`^unknown flag: (.+)$`)
	reUnknownShort = regexp.MustCompile(`^unknown shorthand flag: '.' in (-\S+)$`)
	reNegative     = regexp.MustCompile(`^-[0-9]+(\.[0-9]+)?$`)
)

// run executes one CLI invocation and returns its exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRoot(e)
	root.SetArgs(normalizeArgs(root, args))
	c, err := root.ExecuteC()
	if err == nil {
		return exitOK
	}
	var st exitStatus
	if errors.As(err, &st) {
		return int(st)
	}
	// Cobra's own errors: unknown command or flag, bad flag value.
	where := strings.TrimPrefix(c.CommandPath(), "ssj")
	if where != "" {
		where = strings.TrimSpace(where) + ": "
	}
	fmt.Fprintf(stderr, "ssj: %s%v\nrun '%s --help' for usage\n", where, err, c.CommandPath())
	return exitUsage
}

// normalizeArgs keeps two habits of the earlier flag parsers working: a
// long flag with one dash (-json, -out FILE) and a negative number as a
// positional argument (ssj workday add DATE -3).
func normalizeArgs(root *cobra.Command, args []string) []string {
	args = commandWordsFirst(root, args)
	c, _, err := root.Find(args)
	if err != nil || c == nil {
		return args
	}
	flags := c.Flags()
	lookup := func(name string) *pflag.Flag {
		if f := flags.Lookup(name); f != nil {
			return f
		}
		return c.InheritedFlags().Lookup(name)
	}
	out := make([]string, 0, len(args)+1)
	var negatives []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			out = append(out, args[i:]...)
			break
		}
		if reNegative.MatchString(a) {
			negatives = append(negatives, a)
			continue
		}
		if strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && len(a) > 2 {
			name, _, _ := strings.Cut(a[1:], "=")
			if len(name) > 1 && lookup(name) != nil {
				a = "-" + a
			}
		}
		out = append(out, a)
		if strings.HasPrefix(a, "--") && !strings.Contains(a, "=") && i+1 < len(args) {
			if f := lookup(a[2:]); f != nil && f.NoOptDefVal == "" {
				i++
				out = append(out, args[i]) // the flag's value, whatever it looks like
			}
		}
	}
	if len(negatives) == 0 {
		return out
	}
	// Positional negative numbers go after "--", in their order, after any
	// other positional arguments (they come last in every synopsis).
	if i := indexOf(out, "--"); i >= 0 {
		return append(out, negatives...)
	}
	return append(append(out, "--"), negatives...)
}

func indexOf(ss []string, s string) int {
	for i, x := range ss {
		if x == s {
			return i
		}
	}
	return -1
}

// commandWordsFirst moves the command words (noun, verb) in front of any
// flag given before them, so that "ssj workday --json add ..." finds the
// verb: cobra resolves commands before it knows which flags take values.
func commandWordsFirst(root *cobra.Command, args []string) []string {
	c := root
	var words, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			rest = append(rest, a)
			if name, ok := strings.CutPrefix(a, "--"); ok && !strings.Contains(name, "=") && i+1 < len(args) && takesValue(c, name) {
				i++
				rest = append(rest, args[i])
			}
			continue
		}
		if sub := subcommand(c, a); sub != nil {
			c = sub
			words = append(words, a)
			continue
		}
		rest = append(rest, args[i:]...)
		break
	}
	return append(words, rest...)
}

// subcommand returns c's subcommand called name (or aliased so), or nil.
func subcommand(c *cobra.Command, name string) *cobra.Command {
	for _, sub := range c.Commands() {
		if sub.Name() == name || sub.HasAlias(name) {
			return sub
		}
	}
	return nil
}

// takesValue reports whether a flag called name of c or of any command
// below it takes a value.
func takesValue(c *cobra.Command, name string) bool {
	if f := c.Flags().Lookup(name); f != nil {
		return f.NoOptDefVal == ""
	}
	if f := c.InheritedFlags().Lookup(name); f != nil {
		return f.NoOptDefVal == ""
	}
	for _, sub := range c.Commands() {
		if takesValue(sub, name) {
			return true
		}
	}
	return false
}

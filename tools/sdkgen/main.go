// Command sdkgen writes the dcr package's SDKs (Python, Go, Node.js) from its Pulumi package schema
// with the same pkg/v3 code generators `pulumi package gen-sdk` uses.
//
//	sdkgen <schema.json> <sdk dir>
//
// Each language's directory under <sdk dir> is emptied first, except the hand-written files of
// keep (the Go SDK's module files), then refilled with exactly what the generator returns.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-dcr sdkgen"

// keep lists, per language, files under sdk/<lang> that are written by hand and must survive.
var keep = map[string][]string{"go": {"go.mod", "go.sum"}}

// noLoader refuses every package reference: the dcr schema is self-contained.
type noLoader struct{}

func (noLoader) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the dcr schema must be self-contained; it references package %q", pkg)
}

func (noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("the dcr schema must be self-contained; it references package %q", d.Name)
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen <schema.json> <sdk dir>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}

func run(schemaPath, sdkDir string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	generators := []struct {
		lang string
		gen  func(*schema.Package) (map[string][]byte, error)
	}{
		{"python", func(p *schema.Package) (map[string][]byte, error) {
			files, err := python.GeneratePackage(tool, p, nil, nil)
			// pyproject.toml names README.md beside it; the generator writes it into the package only.
			for name, b := range files {
				if path.Base(name) == "README.md" && path.Dir(name) != "." && !strings.Contains(path.Dir(name), "/") {
					files["README.md"] = b
				}
			}
			return files, err
		}},
		{"go", func(p *schema.Package) (map[string][]byte, error) { return gogen.GeneratePackage(tool, p, nil) }},
		{"nodejs", func(p *schema.Package) (map[string][]byte, error) {
			return nodejs.GeneratePackage(tool, p, nil, nil, false, nil)
		}},
	}
	for _, g := range generators {
		// Each generator decodes its language section into the bound package: bind afresh per language.
		pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{})
		if err != nil {
			return err
		}
		if diags.HasErrors() {
			return errors.New(diags.Error())
		}
		for _, d := range diags {
			fmt.Fprintf(os.Stderr, "sdkgen: %s: warning: %s %s\n", g.lang, d.Summary, d.Detail)
		}
		files, err := g.gen(pkg)
		if err != nil {
			return fmt.Errorf("%s: %w", g.lang, err)
		}
		if err := write(filepath.Join(sdkDir, g.lang), files, keep[g.lang]); err != nil {
			return fmt.Errorf("%s: %w", g.lang, err)
		}
	}
	return nil
}

// write empties dir but for the kept files, then writes files (paths relative to dir).
func write(dir string, files map[string][]byte, kept []string) error {
	saved := map[string][]byte{}
	for _, name := range kept {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			saved[name] = b
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	for name, b := range saved {
		files[name] = b
	}
	for name, b := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

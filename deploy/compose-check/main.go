// compose-check loads a Compose file the way `docker compose` does (compose-spec/compose-go: the
// compose-spec JSON schema, interpolation with ${VAR:?message} and ${VAR:-default}, env files,
// depends_on, extends, path resolution) and prints the resolved project as JSON, or the error and
// exit status 1. It also checks that every build context and Dockerfile exists, which
// `docker compose build` needs and the loader does not check.
//
//	go run . [--env-file FILE]... [--no-os-env] [--project-name NAME] COMPOSE_FILE...
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

type fileList []string

func (f *fileList) String() string     { return strings.Join(*f, ",") }
func (f *fileList) Set(v string) error { *f = append(*f, v); return nil }

func main() {
	var envFiles fileList
	flag.Var(&envFiles, "env-file", "env file for interpolation, as `docker compose --env-file` (repeatable; default: .env beside the compose file)")
	noOsEnv := flag.Bool("no-os-env", false, "ignore this process's environment (only the env files count)")
	name := flag.String("project-name", "", "project name (default: the compose file's folder)")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: compose-check [--env-file FILE]... [--no-os-env] COMPOSE_FILE...")
		os.Exit(2)
	}
	project, err := load(flag.Args(), envFiles, *noOsEnv, *name)
	if err == nil {
		err = checkBuilds(project)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "compose-check:", err)
		os.Exit(1)
	}
	out, err := project.MarshalJSON()
	if err != nil {
		fmt.Fprintln(os.Stderr, "compose-check:", err)
		os.Exit(1)
	}
	fmt.Println(string(out))
}

func load(files, envFiles []string, noOsEnv bool, name string) (*types.Project, error) {
	// The same option order as the docker compose CLI: the process environment wins over env files.
	fns := []cli.ProjectOptionsFn{}
	if !noOsEnv {
		fns = append(fns, cli.WithOsEnv)
	}
	fns = append(fns,
		cli.WithWorkingDirectory(filepath.Dir(files[0])),
		cli.WithEnvFiles(envFiles...),
		cli.WithDotEnv,
		cli.WithInterpolation(true),
		cli.WithNormalization(true),
		cli.WithResolvedPaths(true),
		cli.WithConsistency(true),
	)
	if name != "" {
		fns = append(fns, cli.WithName(name))
	}
	options, err := cli.NewProjectOptions(files, fns...)
	if err != nil {
		return nil, err
	}
	return options.LoadProject(context.Background())
}

func checkBuilds(project *types.Project) error {
	var problems []string
	for _, name := range project.ServiceNames() {
		build := project.Services[name].Build
		if build == nil {
			continue
		}
		if info, err := os.Stat(build.Context); err != nil || !info.IsDir() {
			problems = append(problems, fmt.Sprintf("service %q: build context %s is not a folder", name, build.Context))
			continue
		}
		dockerfile := build.Dockerfile
		if dockerfile == "" {
			dockerfile = "Dockerfile"
		}
		if !filepath.IsAbs(dockerfile) {
			dockerfile = filepath.Join(build.Context, dockerfile)
		}
		if _, err := os.Stat(dockerfile); err != nil {
			problems = append(problems, fmt.Sprintf("service %q: Dockerfile %s not found", name, dockerfile))
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

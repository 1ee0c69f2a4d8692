// Command kubebin is the real Kubernetes control plane for sdrain's real-cluster test tier: one
// binary linked once from Kubernetes' and etcd's own Go modules, run as one process per component
// (each keeps global state, so they never share a process). argv[1] names the component:
//
//	kubebin etcd|kube-apiserver|kube-controller-manager|kube-scheduler|kwok [flags]
//
// The code below only dispatches; every component is the upstream command unchanged.
package main

import (
	"fmt"
	"os"

	_ "time/tzdata" // CronJob time zones, as the upstream mains import

	"github.com/spf13/cobra"
	"go.etcd.io/etcd/server/v3/etcdmain"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
)

const usage = "usage: kubebin etcd|kube-apiserver|kube-controller-manager|kube-scheduler|kwok [flags]"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	name, args := os.Args[1], os.Args[2:]
	var command *cobra.Command
	switch name {
	case "etcd":
		// etcdmain reads os.Args itself, with the program name first.
		etcdmain.Main(append([]string{"etcd"}, args...))
		return
	case "kube-apiserver":
		command = apiserver.NewAPIServerCommand()
	case "kube-controller-manager":
		command = controllermanager.NewControllerManagerCommand()
	case "kube-scheduler":
		command = scheduler.NewSchedulerCommand()
	case "kwok":
		os.Exit(runKwok(args))
	case "version":
		fmt.Println(buildVersion())
		return
	default:
		fmt.Fprintf(os.Stderr, "kubebin: unknown component %q\n%s\n", name, usage)
		os.Exit(2)
	}
	command.SetArgs(args)
	os.Exit(cli.Run(command))
}

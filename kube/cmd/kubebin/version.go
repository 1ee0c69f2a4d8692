package main

import (
	clientversion "k8s.io/client-go/pkg/version"
	"k8s.io/component-base/version"
)

// buildVersion reports what the build's ldflags stamped, so the build script can check them.
func buildVersion() string {
	return version.Get().GitVersion + " (client-go " + clientversion.Get().GitVersion + ")"
}

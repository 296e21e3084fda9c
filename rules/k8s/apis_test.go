package k8s

import (
	"fmt"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"hardline.dev/hardline/analyzer"
)

// removedIn lists, per release, what the upstream Deprecated API Migration
// Guide says it stopped serving, written out by release as the guide is,
// independently of the table's rows.
var removedIn = map[int][]string{
	// Before the guide's first release, from the release notes and pull
	// requests: kubernetes/kubernetes#38614 (extensions/v1beta1 Job, 1.6),
	// #49930 (ScheduledJob, 1.8); the alpha CronJob went with 1.21.
	6:  {"extensions/v1beta1 Job"},
	8:  {"batch/v2alpha1 ScheduledJob"},
	21: {"batch/v2alpha1 CronJob"},
	16: {"apps/v1beta1 Deployment", "apps/v1beta1 ReplicaSet", "apps/v1beta1 StatefulSet",
		"apps/v1beta2 DaemonSet", "apps/v1beta2 Deployment", "apps/v1beta2 ReplicaSet", "apps/v1beta2 StatefulSet",
		"extensions/v1beta1 DaemonSet", "extensions/v1beta1 Deployment", "extensions/v1beta1 NetworkPolicy",
		"extensions/v1beta1 PodSecurityPolicy", "extensions/v1beta1 ReplicaSet"},
	22: {"admissionregistration.k8s.io/v1beta1 MutatingWebhookConfiguration", "admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfiguration",
		"apiextensions.k8s.io/v1beta1 CustomResourceDefinition", "apiregistration.k8s.io/v1beta1 APIService",
		"authentication.k8s.io/v1beta1 TokenReview", "authorization.k8s.io/v1beta1 LocalSubjectAccessReview",
		"authorization.k8s.io/v1beta1 SelfSubjectAccessReview", "authorization.k8s.io/v1beta1 SubjectAccessReview",
		"certificates.k8s.io/v1beta1 CertificateSigningRequest", "coordination.k8s.io/v1beta1 Lease",
		"extensions/v1beta1 Ingress", "networking.k8s.io/v1beta1 Ingress", "networking.k8s.io/v1beta1 IngressClass",
		"rbac.authorization.k8s.io/v1beta1 ClusterRole", "rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding",
		"rbac.authorization.k8s.io/v1beta1 Role", "rbac.authorization.k8s.io/v1beta1 RoleBinding",
		"scheduling.k8s.io/v1beta1 PriorityClass", "storage.k8s.io/v1beta1 CSIDriver", "storage.k8s.io/v1beta1 CSINode",
		"storage.k8s.io/v1beta1 StorageClass", "storage.k8s.io/v1beta1 VolumeAttachment"},
	25: {"autoscaling/v2beta1 HorizontalPodAutoscaler", "batch/v1beta1 CronJob", "discovery.k8s.io/v1beta1 EndpointSlice",
		"events.k8s.io/v1beta1 Event", "node.k8s.io/v1beta1 RuntimeClass", "policy/v1beta1 PodDisruptionBudget",
		"policy/v1beta1 PodSecurityPolicy"},
	26: {"autoscaling/v2beta2 HorizontalPodAutoscaler", "flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema",
		"flowcontrol.apiserver.k8s.io/v1beta1 PriorityLevelConfiguration"},
	27: {"storage.k8s.io/v1beta1 CSIStorageCapacity"},
	29: {"flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema", "flowcontrol.apiserver.k8s.io/v1beta2 PriorityLevelConfiguration"},
	32: {"flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema", "flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration"},
}

func statusAt(minor int) (deprecated, removed []string) {
	for _, c := range apiChanges {
		for _, k := range c.kinds {
			switch c.status(minor) {
			case apiDeprecated:
				deprecated = append(deprecated, c.apiVersion+" "+k)
			case apiRemoved:
				removed = append(removed, c.apiVersion+" "+k)
			}
		}
	}
	sort.Strings(deprecated)
	sort.Strings(removed)
	return deprecated, removed
}

// TestAPITableByRelease checks, for every minor from 1.16 to the latest,
// which apiVersions are removed (all the guide's removals up to it) and,
// at a few releases, which are deprecated but still served.
func TestAPITableByRelease(t *testing.T) {
	latest := targetMinor(&analyzer.Config{}) // the default target
	var removedSoFar []string
	for minor := 1; minor < 16; minor++ {
		removedSoFar = append(removedSoFar, removedIn[minor]...)
	}
	for minor := 16; minor <= latest; minor++ {
		removedSoFar = append(removedSoFar, removedIn[minor]...)
		sort.Strings(removedSoFar)
		_, removed := statusAt(minor)
		if diff := cmp.Diff(removedSoFar, removed); diff != "" {
			t.Errorf("1.%d removed (-guide +table):\n%s", minor, diff)
		}
	}
	deprecatedAt := map[int][]string{
		15: {"apps/v1beta1 Deployment", "apps/v1beta1 ReplicaSet", "apps/v1beta1 StatefulSet",
			"apps/v1beta2 DaemonSet", "apps/v1beta2 Deployment", "apps/v1beta2 ReplicaSet", "apps/v1beta2 StatefulSet",
			"batch/v2alpha1 CronJob", "extensions/v1beta1 DaemonSet", "extensions/v1beta1 Deployment", "extensions/v1beta1 Ingress",
			"extensions/v1beta1 NetworkPolicy", "extensions/v1beta1 PodSecurityPolicy", "extensions/v1beta1 ReplicaSet",
			"scheduling.k8s.io/v1beta1 PriorityClass"},
		24: {"autoscaling/v2beta1 HorizontalPodAutoscaler", "autoscaling/v2beta2 HorizontalPodAutoscaler", "batch/v1beta1 CronJob",
			"discovery.k8s.io/v1beta1 EndpointSlice", "events.k8s.io/v1beta1 Event",
			"flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema", "flowcontrol.apiserver.k8s.io/v1beta1 PriorityLevelConfiguration",
			"node.k8s.io/v1beta1 RuntimeClass", "policy/v1beta1 PodDisruptionBudget", "policy/v1beta1 PodSecurityPolicy",
			"storage.k8s.io/v1beta1 CSIStorageCapacity"},
		31: {"flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema", "flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration"},
		37: nil,
	}
	for minor, want := range deprecatedAt {
		got, _ := statusAt(minor)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("1.%d deprecated (-want +table):\n%s", minor, diff)
		}
	}
}

// TestReplacementServedByTarget checks that the proposed replacement is
// one the target serves: before 1.19 an Ingress moves to
// networking.k8s.io/v1beta1, from 1.19 to v1.
func TestReplacementServedByTarget(t *testing.T) {
	ing := apiIndex[[2]string{"extensions/v1beta1", "Ingress"}]
	var got []string
	for _, minor := range []int{14, 18, 19, 37} {
		r, _ := ing.replacementAt(minor)
		got = append(got, fmt.Sprintf("1.%d %s", minor, r.apiVersion))
	}
	want := []string{"1.14 networking.k8s.io/v1beta1", "1.18 networking.k8s.io/v1beta1", "1.19 networking.k8s.io/v1", "1.37 networking.k8s.io/v1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

package k8s

import "hardline.dev/hardline/analyzer"

// restrictedVolumeSources are the volume types PSS restricted allows.
var restrictedVolumeSources = newSet("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
	"persistentVolumeClaim", "projected", "secret")

// otherVolumeSources are the remaining volume types of the core API.
// Fields outside both lists are dropped by the API server, so a volume
// with only unknown fields is defaulted to emptyDir like one with none.
var otherVolumeSources = newSet("awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "fc",
	"flexVolume", "flocker", "gcePersistentDisk", "gitRepo", "glusterfs", "hostPath", "iscsi", "nfs",
	"photonPersistentDisk", "portworxVolume", "quobyte", "rbd", "scaleIO", "storageos", "vsphereVolume")

var _ = register(&analyzer.Rule{
	Code: "KS206", Name: "restricted-volume-type",
	Summary:  "Pod uses a volume type outside the restricted list",
	Severity: analyzer.Error, Profile: analyzer.Restricted,
	Aliases: []string{"pss:restrictedVolumes"},
	Doc: analyzer.RuleDoc{
		Why: "Only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes are safe to let " +
			"any workload use. Other types (hostPath, nfs, iscsi, rbd, gitRepo, …) reach the node or network storage directly, bypassing the " +
			"PersistentVolume controls an administrator sets up.",
		Bad:  "volumes:\n- name: shared\n  nfs:\n    server: nfs.example.com\n    path: /exports",
		Good: "volumes:\n- name: shared\n  persistentVolumeClaim:\n    claimName: shared",
	},
	Check: func(p *analyzer.Pass) {
		forWorkloads(p, func(w *Workload) {
			var first *analyzer.Field
			var names []string
			for _, v := range analyzer.Items(analyzer.Get(w.Spec, "volumes")) {
				var bad *analyzer.Field
				allowed := false
				for _, f := range analyzer.Fields(v) {
					if analyzer.IsNull(f.Value) {
						continue
					}
					switch {
					case restrictedVolumeSources[f.Key.Value]:
						allowed = true
					case otherVolumeSources[f.Key.Value] && bad == nil:
						bad = &f
					}
				}
				if allowed || bad == nil {
					continue
				}
				names = append(names, analyzer.Str(analyzer.Get(v, "name"))+" ("+bad.Key.Value+")")
				if first == nil {
					first = bad
				}
			}
			if first != nil {
				reportPod(p, w, first, "pod must not use restricted volume %s %s", plural(len(names), "type", "types"), quoteList(names))
			}
		})
	},
})

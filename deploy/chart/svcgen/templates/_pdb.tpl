{{/*
svcgen.pdb: with podDisruptionBudget.enabled, a policy/v1 PodDisruptionBudget
that keeps minAvailable of the component's pods (a number, or a percentage
such as "50%") running through voluntary disruptions: node drains, cluster
upgrades. Involuntary ones (a node failing) it cannot prevent.
*/}}
{{- define "svcgen.pdb" -}}
{{- include "svcgen.component" . }}
{{- $c := index .root.Values .key }}
{{- if and $c.podDisruptionBudget $c.podDisruptionBudget.enabled -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  {{- include "svcgen.metadata" (dict "root" .root "key" .key "name" (include "svcgen.objectName" .)) | nindent 2 }}
spec:
  {{- if kindIs "string" $c.podDisruptionBudget.minAvailable }}
  minAvailable: {{ $c.podDisruptionBudget.minAvailable | quote }}
  {{- else }}
  minAvailable: {{ $c.podDisruptionBudget.minAvailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "svcgen.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}

{{/*
svcgen.endpointslices: the EndpointSlices behind an external component's
selectorless Service, one per address family (a slice has one addressType;
discovery.k8s.io/v1). The kubernetes.io/service-name label ties them to the
Service; managed-by names svcgen so the EndpointSlice controller leaves them
alone. Their ports are named like the Service's and use its targetPorts.
*/}}
{{- define "svcgen.endpointslices" -}}
{{- include "svcgen.component" . }}
{{- $c := index .root.Values .key }}
{{- $service := include "svcgen.serviceName" . }}
{{- $extra := dict "kubernetes.io/service-name" $service "endpointslice.kubernetes.io/managed-by" "svcgen" }}
{{- $families := dict "IPv4" (list) "IPv6" (list) }}
{{- range (dig "external" "addresses" (list) $c) }}
{{- $family := ternary "IPv6" "IPv4" (contains ":" .) }}
{{- $_ := set $families $family (append (get $families $family) .) }}
{{- end }}
{{- range $family := list "IPv4" "IPv6" }}
{{- with get $families $family }}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  {{- include "svcgen.metadata" (dict "root" $.root "key" $.key "name" (printf "%s-%s" $service (lower $family)) "extraLabels" $extra) | nindent 2 }}
addressType: {{ $family }}
endpoints:
  {{- range . }}
  - addresses:
      - {{ . | quote }}
    conditions:
      ready: true
  {{- end }}
{{- with $c.ports }}
ports:
  {{- range . }}
  - port: {{ .targetPort | default .port }}
    protocol: {{ .protocol | default "TCP" }}
    {{- with .name }}
    name: {{ . | quote }}
    {{- end }}
  {{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

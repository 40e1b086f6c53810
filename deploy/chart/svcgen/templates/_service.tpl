{{/*
svcgen.service: the component's Service, generic over its type so that
`--set <key>.service.type=...` renders a valid object. Which fields each type
may carry follows Kubernetes ValidateService (pkg/apis/core/validation):
nodePort only on NodePort/LoadBalancer; externalTrafficPolicy only on
NodePort/LoadBalancer; loadBalancerSourceRanges and loadBalancerClass only on
LoadBalancer; clusterIP: None only on ClusterIP; ExternalName carries neither
clusterIP nor ipFamilies/ipFamilyPolicy. External components have no selector.
*/}}
{{- define "svcgen.service" -}}
{{- include "svcgen.component" . }}
{{- $c := index .root.Values .key }}
{{- $svc := $c.service | default dict }}
{{- $type := $svc.type | default "ClusterIP" }}
{{- $external := has $type (list "NodePort" "LoadBalancer") -}}
apiVersion: v1
kind: Service
metadata:
  {{- include "svcgen.metadata" (dict "root" .root "key" .key "name" (include "svcgen.serviceName" .) "annotations" $svc.annotations) | nindent 2 }}
spec:
  type: {{ $type }}
  {{- if eq $type "ExternalName" }}
  externalName: {{ required (printf "%s.external.host is required for an ExternalName Service" .key) (dig "external" "host" "" $c) | quote }}
  {{- else }}
  {{- if and (eq $type "ClusterIP") $svc.headless }}
  clusterIP: None
  {{- end }}
  {{- with $svc.ipFamilyPolicy }}
  ipFamilyPolicy: {{ . | quote }}
  {{- end }}
  {{- with $svc.ipFamilies }}
  ipFamilies: {{- range . }}
    - {{ . | quote }}
  {{- end }}
  {{- end }}
  {{- with $svc.sessionAffinity }}
  sessionAffinity: {{ . | quote }}
  {{- if and (eq . "ClientIP") $svc.sessionAffinityTimeoutSeconds }}
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: {{ $svc.sessionAffinityTimeoutSeconds }}
  {{- end }}
  {{- end }}
  {{- end }}
  {{- if and $external $svc.externalTrafficPolicy }}
  externalTrafficPolicy: {{ $svc.externalTrafficPolicy | quote }}
  {{- end }}
  {{- if eq $type "LoadBalancer" }}
  {{- with $svc.loadBalancerClass }}
  loadBalancerClass: {{ . | quote }}
  {{- end }}
  {{- with $svc.loadBalancerSourceRanges }}
  loadBalancerSourceRanges: {{- range . }}
    - {{ . | quote }}
  {{- end }}
  {{- end }}
  {{- end }}
  {{- with $c.ports }}
  ports:
    {{- range . }}
    - port: {{ .port }}
      targetPort: {{ .targetPort | default .port }}
      protocol: {{ .protocol | default "TCP" }}
      {{- with .name }}
      name: {{ . | quote }}
      {{- end }}
      {{- if and $external .nodePort }}
      nodePort: {{ .nodePort }}
      {{- end }}
    {{- end }}
  {{- end }}
  {{- if and (ne $c.role "external") (ne $type "ExternalName") }}
  selector:
    {{- include "svcgen.selectorLabels" . | nindent 4 }}
  {{- end }}
{{- end }}

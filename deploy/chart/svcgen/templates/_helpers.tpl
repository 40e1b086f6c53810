{{/*
Helpers of the chart svcgen generated. Every per-component template is called
with a dict: "root" is the top-level context, "key" the component's values key.
*/}}

{{/*
svcgen.name: the chart name, or nameOverride; at most 63 characters.
*/}}
{{- define "svcgen.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
svcgen.fullname: the release's object name prefix, as `helm create` makes it:
fullnameOverride, else <release>-<chart> (just <release> when it contains the
chart name), truncated to 63 characters.
*/}}
{{- define "svcgen.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
svcgen.chart: <chart>-<version> for the helm.sh/chart label; a valid label value.
*/}}
{{- define "svcgen.chart" -}}
{{- $chart := printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 }}
{{- regexReplaceAll "[^A-Za-z0-9]+$" $chart "" }}
{{- end }}

{{/*
svcgen.component: fails unless .key names a component map in values.
*/}}
{{- define "svcgen.component" -}}
{{- if not (kindIs "map" (index .root.Values .key)) }}
{{- fail (printf "values.yaml has no component %q" .key) }}
{{- end }}
{{- end }}

{{/*
svcgen.objectName: <release fullname>-<component>, at most 63 characters; the
fullname is shortened, never the component. A shortened fullname ends in 8
hex digits of its sha256, so releases that share a long prefix still get
distinct names. Kubernetes checks Service names as DNS-1035 labels
(ValidateServiceName, pkg/apis/core/validation), so a release name that
starts with a digit or holds a dot fails here, with the reason.
*/}}
{{- define "svcgen.objectName" -}}
{{- include "svcgen.component" . }}
{{- $c := index .root.Values .key }}
{{- $full := include "svcgen.fullname" .root }}
{{- $prefix := $full }}
{{- $keep := int (sub 53 (len $c.name)) }}
{{- if gt (add (len $full) 1 (len $c.name)) 63 }}
{{- if gt $keep 0 }}
{{- $prefix = printf "%s-%s" (trunc $keep $full | trimSuffix "-") (sha256sum $full | trunc 8) }}
{{- else }}
{{- $prefix = trunc (int (sub 62 (len $c.name))) $full | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- include "svcgen.checkName" (dict "name" (printf "%s-%s" $prefix $c.name) "root" .root) }}
{{- end }}

{{/*
svcgen.serviceName: the component's service.name when set, else svcgen.objectName.
*/}}
{{- define "svcgen.serviceName" -}}
{{- include "svcgen.component" . }}
{{- $fixed := dig "service" "name" "" (index .root.Values .key) }}
{{- if $fixed }}
{{- include "svcgen.checkName" (dict "name" $fixed "root" .root) }}
{{- else }}
{{- include "svcgen.objectName" . }}
{{- end }}
{{- end }}

{{/*
svcgen.checkName: prints .name when it is a DNS-1035 label, else fails.
*/}}
{{- define "svcgen.checkName" -}}
{{- if not (regexMatch "^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$" .name) }}
{{- fail (printf "object name %q is not a valid Kubernetes Service name (a DNS-1035 label: at most 63 characters, lower-case letters, digits and '-', starting with a letter). Use a release name that starts with a letter and has no dots (release %q), or set fullnameOverride." .name .root.Release.Name) }}
{{- end }}
{{- .name }}
{{- end }}

{{/*
svcgen.selectorLabels: name, instance and component only; never user labels.
.component, when given, replaces the component's name.
*/}}
{{- define "svcgen.selectorLabels" -}}
app.kubernetes.io/name: {{ include "svcgen.name" .root | quote }}
app.kubernetes.io/instance: {{ .root.Release.Name | quote }}
app.kubernetes.io/component: {{ .component | default (index .root.Values .key).name | quote }}
{{- end }}

{{/*
svcgen.testComponent: the component label of a component's `helm test` pods,
test.<component>: the dot keeps it from ever equalling a component's name, so
no Service selects them.
*/}}
{{- define "svcgen.testComponent" -}}
{{- $label := printf "test.%s" (index .root.Values .key).name | trunc 63 }}
{{- regexReplaceAll "[^A-Za-z0-9]+$" $label "" }}
{{- end }}

{{/*
svcgen.labels: commonLabels, then .extraLabels when given, then the standard
labels (which win on a clash).
*/}}
{{- define "svcgen.labels" -}}
{{- $labels := dict }}
{{- range $k, $v := .root.Values.commonLabels }}
{{- $_ := set $labels $k (toString $v) }}
{{- end }}
{{- range $k, $v := fromYaml (include "svcgen.selectorLabels" .) }}
{{- $_ := set $labels $k $v }}
{{- end }}
{{- range $k, $v := .extraLabels }}
{{- $_ := set $labels $k $v }}
{{- end }}
{{- $_ := set $labels "helm.sh/chart" (include "svcgen.chart" .root) }}
{{- $_ = set $labels "app.kubernetes.io/managed-by" .root.Release.Service }}
{{- $version := toString .root.Chart.AppVersion }}
{{- if regexMatch "^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$" $version }}
{{- $_ = set $labels "app.kubernetes.io/version" $version }}
{{- end }}
{{- toYaml $labels }}
{{- end }}

{{/*
svcgen.metadata: name, labels (plus .extraLabels) and, when .annotations is
set, annotations.
*/}}
{{- define "svcgen.metadata" -}}
name: {{ .name }}
labels:
  {{- include "svcgen.labels" . | nindent 2 }}
{{- with .annotations }}
annotations:
  {{- range $k, $v := . }}
  {{ $k | quote }}: {{ $v | quote }}
  {{- end }}
{{- end }}
{{- end }}

locals {
  greeting = "Hello, ${ var.name }!"
  list = "%{ for ip in var.ips }server ${ip}\n%{ endfor }"
  cond = "%{ if var.enabled }on%{else}off%{ endif }"
  strip = "%{~ for x in var.xs ~}${x},%{~ endfor ~}"
  escaped = "$${not_interp} and %%{not_directive}"
  nested_quotes = "${join(",", [for s in var.list : "${s}-x"])}"
  heredoc_tpl = <<-EOT
    %{ for k, v in var.tags ~}
    ${k} = "${v}"
    %{ endfor ~}
  EOT
}

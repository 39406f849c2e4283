variable "name" {
  type    = string
  default = "default-name"
}

variable "replicas" {
  type    = number
  default = 1
}

variable "labels" {
  type    = map(string)
  default = { team = "core" }
}

variable "config" {
  type = object({
    enabled = bool
    mode    = optional(string, "auto")
    limits  = optional(list(number), [])
  })
  default = { enabled = true }
}

variable "from_file" {
  type    = list(string)
  default = []
}

variable "nullable_var" {
  type    = string
  default = null
}

resource "terraform_data" "app" {
  count = var.replicas
  input = {
    name     = "${var.name}-${count.index}"
    labels   = var.labels
    config   = var.config
    from     = var.from_file
    nullable = var.nullable_var
  }
}

output "names" {
  value = terraform_data.app[*].input.name
}

output "config" {
  value = var.config
}

variable "token" {
  type      = string
  sensitive = true
}

resource "terraform_data" "conn" {
  input = {
    host  = "db.internal"
    token = var.token
  }
}

resource "terraform_data" "secret_trigger" {
  input            = "rotates"
  triggers_replace = sha256(var.token)
}

resource "terraform_data" "marked" {
  input = sensitive("always hidden")
}

output "token_hash" {
  value     = sha256(var.token)
  sensitive = true
}

output "host" {
  value = terraform_data.conn.output.host
}

terraform {
  required_version=">= 1.0"
}

variable "name" {
	type="string"
	default = "${var.prefix}"
}

required_providers {
}

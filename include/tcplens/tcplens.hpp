// tcplens/tcplens.hpp: the whole public API (docs/api.md).
#pragma once

#include "tcplens/error.hpp"
#include "tcplens/frames.hpp"
#include "tcplens/inputs.hpp"
#include "tcplens/records.hpp"
#include "tcplens/render.hpp"

// _tcplens: the public API (include/tcplens/) for Python; tcplens/__init__.py is the face users
// see. The engine runs with the GIL released; results cross as numpy arrays (one block per
// column, handed over without a copy) and strings.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <cstdlib>
#include <cstring>

#include "engine/cluster.hpp"
#include "tcplens/tcplens.hpp"

namespace py = pybind11;
namespace api = tcplens::api;

namespace {

api::Inputs inputs_of(std::vector<std::string> paths, std::string filter, double idle_s) {
  api::Inputs in;
  in.paths = std::move(paths);
  in.filter = std::move(filter);
  in.idle_timeout_s = idle_s;
  return in;
}

// An input error as (file, reason, offset), for __init__.py to raise as tcplens.Error.
py::object error_tuple(const std::optional<api::Error>& e) {
  if (!e) return py::none();
  return py::make_tuple(e->file(), e->reason(), e->offset());
}

// A column's block as a numpy array that owns it (freed with the array).
py::array numpy_of(api::Column& c, const py::dtype& dtype) {
  const auto n = static_cast<py::ssize_t>(c.size());
  if (n == 0) return py::array(dtype, std::vector<py::ssize_t>{0});
  void* data = c.release();
  py::capsule owner(data, [](void* p) { std::free(p); });
  return py::array(dtype, {n}, {static_cast<py::ssize_t>(dtype.itemsize())}, data, owner);
}

// tcp.flags.str: the uint16 TCP flags turned in place into codes of their distinct texts
// (a pandas Categorical: one Python string per distinct value, not per frame).
py::tuple categorical_of(api::Column& c) {
  auto* v = static_cast<std::uint16_t*>(const_cast<void*>(c.data()));
  std::array<std::int16_t, 4096> code;
  code.fill(-1);
  std::vector<std::string> categories;
  for (std::size_t i = 0; i < c.size(); ++i) {
    std::uint16_t flags = v[i] & 0x0fff;
    if (code[flags] < 0) {
      code[flags] = static_cast<std::int16_t>(categories.size());
      categories.push_back(api::tcp_flags_text(flags));
    }
    const std::int16_t k = code[flags];
    std::memcpy(&v[i], &k, sizeof k);
  }
  py::array codes = numpy_of(c, py::dtype::of<std::int16_t>());
  return py::make_tuple(codes, categories);
}

py::dict frames(std::vector<std::string> paths, const std::vector<std::string>& fields,
                std::string filter) {
  api::FrameColumns result;
  {
    py::gil_scoped_release unlocked;
    result = api::frame_columns(inputs_of(std::move(paths), std::move(filter), 0), fields);
  }
  py::list names;
  py::dict columns;
  for (api::Column& c : result.columns) {
    const py::str name(std::string(c.field().name));
    names.append(name);
    switch (c.field().type) {
      case api::FieldType::integer:
        columns[name] = numpy_of(c, py::dtype::of<std::int64_t>());
        break;
      case api::FieldType::real:
        columns[name] = numpy_of(c, py::dtype::of<double>());
        break;
      case api::FieldType::boolean:
        columns[name] = numpy_of(c, py::dtype("bool"));
        break;
      case api::FieldType::text:
        columns[name] = categorical_of(c);
        break;
    }
  }
  py::dict out;
  out["names"] = names;
  out["columns"] = columns;
  out["rows"] = result.rows;
  out["error"] = error_tuple(result.error);
  return out;
}

py::tuple summary(std::vector<std::string> paths, std::string filter, double idle_s) {
  std::vector<std::string> records;
  std::optional<api::Error> error;
  {
    py::gil_scoped_release unlocked;
    try {
      api::for_each_record_json(inputs_of(std::move(paths), std::move(filter), idle_s),
                                [&](std::string_view json) { records.emplace_back(json); });
    } catch (const api::Error& e) {
      error = e;
    }
  }
  return py::make_tuple(records, error_tuple(error));
}

py::tuple explain(std::vector<std::string> paths, std::optional<std::uint32_t> stream,
                  const std::string& lang) {
  if (lang != "en" && lang != "zh") throw py::value_error("lang must be \"en\" or \"zh\"");
  std::string text;
  std::optional<api::Error> error;
  std::optional<std::string> missing;
  {
    py::gil_scoped_release unlocked;
    try {
      text = api::explain(inputs_of(std::move(paths), "", 1800), stream,
                          lang == "zh" ? api::Lang::zh : api::Lang::en);
    } catch (const api::Error& e) {
      error = e;
    } catch (const std::out_of_range& e) {
      missing = e.what();
    }
  }
  if (missing) throw py::value_error(*missing);
  return py::make_tuple(text, error_tuple(error));
}

// python3 -m tcplens.dask (engine/cluster.hpp): blobs cross as bytes, facts as tuples and lists.
namespace cluster = tcplens::cluster;

std::string_view view_of(const py::bytes& b) {
  char* data = nullptr;
  Py_ssize_t size = 0;
  PyBytes_AsStringAndSize(b.ptr(), &data, &size);
  return {data, static_cast<std::size_t>(size)};
}

tcplens::InputOptions cluster_input(std::vector<std::string> paths, std::string filter,
                                    double idle_s, double linger_s) {
  tcplens::InputOptions in;
  in.files = std::move(paths);
  in.filter = std::move(filter);
  in.idle_timeout_ns = static_cast<std::int64_t>(idle_s * 1e9);
  in.linger_ns = static_cast<std::int64_t>(linger_s * 1e9);
  return in;
}

py::dict cluster_map(std::vector<std::string> paths, std::string filter, unsigned buckets,
                     double idle_s, double linger_s) {
  cluster::Piece p;
  {
    py::gil_scoped_release unlocked;
    p = cluster::map_piece(cluster_input(std::move(paths), std::move(filter), idle_s, linger_s),
                           buckets);
  }
  py::dict d;
  d["exit_status"] = p.exit_status;
  d["frames_read"] = p.account.frames_read;
  d["tcp_analysed"] = p.account.tcp_analysed;
  d["skipped"] = std::vector<std::uint64_t>(p.account.skipped.begin(), p.account.skipped.end());
  d["reads"] = p.reads;
  d["first_ts"] = p.first_ts ? py::cast(*p.first_ts) : py::none();
  d["last_ts"] = p.last_ts;
  py::list files;
  for (const auto& f : p.files) {
    files.append(py::make_tuple(f.name, f.frames, f.first_ts_ns, f.max_ts_ns, f.last_at));
  }
  d["files"] = files;
  py::list errors;
  for (const auto& e : p.errors) {
    errors.append(py::make_tuple(e.error.file, e.error.reason, e.error.offset, e.opening));
  }
  d["errors"] = errors;
  py::list steps;
  for (const auto& s : p.steps) steps.append(py::make_tuple(s.number, s.ts_ns, s.step));
  d["steps"] = steps;
  py::list blobs;
  for (const auto& b : p.buckets) blobs.append(py::bytes(b));
  d["buckets"] = blobs;
  return d;
}

// (blob, number offset, previous counted time or None) per piece, in piece order.
using PieceTuple = std::tuple<py::bytes, std::uint64_t, std::optional<std::int64_t>>;

std::vector<cluster::PieceBucket> pieces_of(const std::vector<PieceTuple>& pieces) {
  std::vector<cluster::PieceBucket> out;
  for (const auto& [blob, offset, previous] : pieces) out.push_back({view_of(blob), offset, previous});
  return out;
}

py::bytes cluster_reduce_frames(const std::vector<PieceTuple>& pieces, std::int64_t first_ts,
                                bool json) {
  std::string out;
  {
    const auto in = pieces_of(pieces);
    py::gil_scoped_release unlocked;
    out = cluster::reduce_frames(in, first_ts,
                                 json ? tcplens::FrameFormat::json : tcplens::FrameFormat::tsv);
  }
  return py::bytes(out);
}

py::bytes cluster_reduce_records(const std::vector<PieceTuple>& pieces,
                                 const std::vector<std::pair<std::uint64_t, std::int64_t>>& sweeps,
                                 double idle_s, double linger_s) {
  std::string out;
  {
    const auto in = pieces_of(pieces);
    std::vector<cluster::Sweep> looks;
    for (const auto& [number, now] : sweeps) looks.push_back({number, now});
    py::gil_scoped_release unlocked;
    out = cluster::reduce_records(in, looks, static_cast<std::int64_t>(idle_s * 1e9),
                                  static_cast<std::int64_t>(linger_s * 1e9));
  }
  return py::bytes(out);
}

py::bytes cluster_merge(const std::vector<py::bytes>& buckets, bool records) {
  std::vector<std::string_view> views;
  for (const auto& b : buckets) views.push_back(view_of(b));
  if (!records) {
    std::string out;
    {
      py::gil_scoped_release unlocked;
      out = cluster::merge_frames(views);
    }
    return py::bytes(out);
  }
  // Records are written straight into the bytes object: outputs reach gigabytes.
  const tcplens::WholeRecordMerge merge = cluster::merge_records(views);
  PyObject* out = PyBytes_FromStringAndSize(nullptr, static_cast<Py_ssize_t>(merge.size()));
  if (out == nullptr) throw py::error_already_set();
  {
    py::gil_scoped_release unlocked;
    merge.write(PyBytes_AS_STRING(out));
  }
  return py::reinterpret_steal<py::bytes>(out);
}

std::string cluster_frame_header(bool json) {
  std::string out;
  tcplens::append_frame_header(out, json ? tcplens::FrameFormat::json : tcplens::FrameFormat::tsv,
                               nullptr);
  return out;
}

std::string cluster_account_line(std::uint64_t frames_read, std::uint64_t tcp_analysed,
                                 const std::vector<std::uint64_t>& skipped) {
  tcplens::ReadAccount a;
  a.frames_read = frames_read;
  a.tcp_analysed = tcp_analysed;
  for (std::size_t i = 0; i < skipped.size() && i < a.skipped.size(); ++i) a.skipped[i] = skipped[i];
  return tcplens::account_line(a);
}

}  // namespace

PYBIND11_MODULE(_tcplens, m) {
  m.doc() = "tcplens' engine; use the tcplens package";
  // api::Error becomes tcplens.Error (tcplens/__init__.py), with its file, reason and offset.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const api::Error& e) {
      py::object error =
          py::module_::import("tcplens").attr("Error")(e.file(), e.reason(), e.offset());
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
    }
  });
  m.def("frames", &frames, py::arg("paths"), py::arg("fields"), py::arg("filter"));
  m.def("summary", &summary, py::arg("paths"), py::arg("filter"), py::arg("idle_timeout"));
  m.def("explain", &explain, py::arg("paths"), py::arg("stream"), py::arg("lang"));
  m.def("cluster_map", &cluster_map);
  m.def("cluster_reduce_frames", &cluster_reduce_frames);
  m.def("cluster_reduce_records", &cluster_reduce_records);
  m.def("cluster_merge", &cluster_merge);
  m.def("cluster_frame_header", &cluster_frame_header);
  m.def("cluster_account_line", &cluster_account_line);
  m.def("expand_folders", &tcplens::expand_folders);
  py::list names;
  for (const api::Field& f : api::frame_fields()) names.append(std::string(f.name));
  m.attr("FRAME_FIELDS") = names;
}

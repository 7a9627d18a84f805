import type { Field } from "./schema";

export function FieldTable({
  fields,
  label,
  nameHeader = "Field",
}: {
  fields: Field[];
  label: string;
  nameHeader?: string;
}) {
  return (
    // Focusable, so a keyboard user can scroll a table wider than the screen.
    <div
      tabIndex={0}
      role="region"
      aria-label={label}
      className="relative overflow-x-auto rounded-md border border-slate-200"
    >
      <table className="w-full text-left text-sm" aria-label={label}>
        <thead className="bg-slate-50 text-xs text-slate-500">
          <tr>
            <th scope="col" className="px-3 py-1.5 font-medium">
              {nameHeader}
            </th>
            <th scope="col" className="px-3 py-1.5 font-medium">
              Type
            </th>
            <th scope="col" className="px-3 py-1.5 font-medium">
              Notes
            </th>
          </tr>
        </thead>
        <tbody>
          {fields.map((f) => (
            <tr key={f.name} className="border-t border-slate-100 align-top">
              <td className="px-3 py-1.5 font-mono text-xs whitespace-nowrap text-slate-900">
                {f.name}
                {f.required ? (
                  <span className="ml-1 text-[10px] font-sans font-medium text-red-600">required</span>
                ) : null}
              </td>
              <td className="px-3 py-1.5 font-mono text-xs break-words text-indigo-800">{f.type}</td>
              <td className="px-3 py-1.5 text-xs text-slate-600">{[...new Set(f.notes)].join(" · ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
